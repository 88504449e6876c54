"""A bump's changelog section, planned from its own range (no ``git tag --merged`` walk), is the
edit the exact planning over every reachable tag makes: on linear histories, files that lack
releases, folded and kept pre-releases, maintenance branches and merged-back maintenance tags."""

from __future__ import annotations

from pathlib import Path

import pytest

from nox_release.adapters.project import Project
from nox_release.core.log import quiet
from nox_release.core.version import Version
from nox_release.steps.changelog.cliff import Cliff
from nox_release.steps.changelog.section import Exact, plan_section
from nox_release.steps.changelog.update import change_for, exact_change, update_changelog
from testkit.changelog import Clock
from testkit.samples import Repo, make_repo


def both(repo: Repo, tag: str) -> tuple[str | None, str | None]:
    """The changelog text after the release of ``tag``: fast planning, exact planning."""
    project = Project(repo.path)
    new = (tag, Version.parse(tag.removeprefix("v")))
    with Cliff(project, None, quiet) as cliff:
        todo = plan_section(project, cliff, new, quiet)
        assert not isinstance(todo, Exact), todo
        fast = None if todo is None else change_for(cliff, todo, quiet)
    with Cliff(Project(repo.path), None, quiet) as cliff:
        exact = exact_change(Project(repo.path), cliff, new, quiet)
    return (fast.after if fast else None), (exact.after if exact else None)


def written(repo: Repo, clock: Clock) -> None:
    """The whole changelog written by the session and committed."""
    update_changelog(repo.path)
    repo.git("add", "CHANGELOG.md")
    clock.commit(repo, "docs: changelog")


def releases(repo: Repo, clock: Clock, tags: list[str]) -> None:
    for n, tag in enumerate(tags):
        clock.commit(repo, f"feat: feature {n}\n\nwith a body")
        clock.commit(repo, f"fix(core): fix {n} (#{n + 1})")
        clock.tag(repo, tag)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    r = make_repo(tmp_path / "p", version="0.1.0")
    r.git("remote", "add", "origin", "https://github.com/o/r.git")
    return r


def test_an_up_to_date_file(repo: Repo, clock: Clock) -> None:
    releases(repo, clock, ["v1.0.0", "v1.1.0", "v1.2.0"])
    written(repo, clock)
    clock.commit(repo, "feat: next")
    fast, exact = both(repo, "v1.3.0")
    assert fast == exact and fast is not None and "## [1.3.0]" in fast


def test_a_file_that_lacks_the_last_releases(repo: Repo, clock: Clock) -> None:
    releases(repo, clock, ["v1.0.0"])
    written(repo, clock)
    releases(repo, clock, ["v1.1.0", "v1.2.0"])
    clock.commit(repo, "fix: next")
    fast, exact = both(repo, "v1.2.1")
    assert fast == exact and fast is not None
    assert all(f"## [{v}]" in fast for v in ("1.2.1", "1.2.0", "1.1.0", "1.0.0"))


@pytest.mark.parametrize("with_rc_section", [True, False])
def test_pre_releases_folded_or_kept(repo: Repo, clock: Clock, with_rc_section: bool) -> None:
    releases(repo, clock, ["v1.0.0"])
    if not with_rc_section:
        written(repo, clock)
    releases(repo, clock, ["v1.1.0rc1", "v1.1.0rc2"])
    if with_rc_section:
        written(repo, clock)
    clock.commit(repo, "fix: after the rcs")
    fast, exact = both(repo, "v1.1.0")
    assert fast == exact and fast is not None
    assert ("## [1.1.0rc2]" in fast) is with_rc_section


def test_a_maintenance_branch_behind_a_higher_tag(repo: Repo, clock: Clock) -> None:
    releases(repo, clock, ["v1.0.0"])
    written(repo, clock)
    repo.git("branch", "maint-1.0")
    releases(repo, clock, ["v2.0.0"])  # on main: not reachable from the maintenance branch
    repo.git("switch", "-q", "maint-1.0")
    clock.commit(repo, "fix: a backport")
    fast, exact = both(repo, "v1.0.1")
    assert fast == exact and fast is not None and "2.0.0" not in fast


def test_a_maintenance_tag_merged_back(repo: Repo, clock: Clock) -> None:
    releases(repo, clock, ["v1.0.0", "v1.1.0"])
    written(repo, clock)
    repo.git("switch", "-q", "-c", "maint", "v1.0.0")
    clock.commit(repo, "fix: backport")
    clock.tag(repo, "v1.0.1")
    repo.git("switch", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge branch 'maint'", "maint")
    clock.commit(repo, "feat: more")
    fast, exact = both(repo, "v1.2.0")
    assert fast == exact and fast is not None


def test_headings_that_name_versions_but_no_tag_need_the_exact_planning(
    repo: Repo, clock: Clock
) -> None:
    releases(repo, clock, ["release-1.0.0"])
    repo.write("CHANGELOG.md", "# Changes\n\n## 0.9 (2020)\n\n- old\n")
    clock.commit(repo, "docs: changes", {"CHANGELOG.md": repo.read("CHANGELOG.md")})
    project = Project(repo.path)
    with Cliff(project, None, quiet) as cliff:
        todo = plan_section(project, cliff, ("v1.0.0", Version.parse("1.0.0")), quiet)
    assert isinstance(todo, Exact)


def test_without_a_file_only_the_new_release(repo: Repo, clock: Clock) -> None:
    releases(repo, clock, ["v1.0.0", "v1.1.0rc1"])
    clock.commit(repo, "fix: last")
    fast, exact = both(repo, "v1.1.0")
    assert fast is not None and exact is not None
    assert fast.count("\n## [") == 1 and "## [1.1.0]" in fast
    # Its section is the exact planning's for that release: the rc folded into it.
    top = exact[exact.index("## [1.1.0]") : exact.index("## [1.0.0]")]
    assert fast.endswith(top.rstrip("\n") + "\n")


def test_a_new_file_on_a_maintenance_branch_starts_at_the_reachable_release(
    repo: Repo, clock: Clock
) -> None:
    releases(repo, clock, ["v1.0.0"])
    repo.git("branch", "maint-1.0")
    releases(repo, clock, ["v2.0.0"])  # the highest tag, not reachable from the branch
    repo.git("switch", "-q", "maint-1.0")
    clock.commit(repo, "fix: a backport")
    project = Project(repo.path)
    new = ("v1.0.1", Version.parse("1.0.1"))
    with Cliff(project, None, quiet) as cliff:
        todo = plan_section(project, cliff, new, quiet)
        assert not isinstance(todo, Exact) and todo is not None
        change = change_for(cliff, todo, quiet)
    assert change is not None
    assert change.after.count("\n## [") == 1 and "## [1.0.1]" in change.after
    assert "A backport" in change.after and "Feature" not in change.after
