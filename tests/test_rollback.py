"""Never lose a user's work: a failure at any step leaves files, index and refs as they were."""

from __future__ import annotations

from pathlib import Path

import pytest

from nox_release import ReleaseError, bump
from testkit.samples import Repo, make_repo

EXTRA = (
    '[tool.nox-release]\nversion-files = ["src/sample/__init__.py",'
    ' { path = "README.md", pattern = "sample=={version}" }]\n'
)
FILES = {
    "src/sample/__init__.py": '__version__ = "1.2.3"\n',
    "README.md": "pip install sample==1.2.3\n",
}
STEPS = [
    "write pyproject.toml",
    "write src/sample/__init__.py",
    "write README.md",
    "write CHANGELOG.md",  # the changelog edit rides in the same release commit
    "stage",
    "commit",
    "tag",
]


@pytest.fixture
def multi(tmp_path: Path) -> Repo:
    repo = make_repo(tmp_path / "p", extra=EXTRA, files=FILES)
    repo.write("untracked.txt", "keep me")
    return repo


class Injected(Exception):
    pass


@pytest.mark.parametrize("step", STEPS)
def test_failure_at_each_step_rolls_back(multi: Repo, step: str) -> None:
    before = multi.snapshot()
    seen: list[str] = []

    def fail_at(name: str) -> None:
        seen.append(name)
        if name == step:
            raise Injected(name)

    with pytest.raises(ReleaseError, match=f"{step} failed .*nothing was changed") as info:
        bump(multi.path, "minor", before_step=fail_at)
    assert isinstance(info.value.__cause__, Injected)
    assert seen[-1] == step
    assert multi.snapshot() == before


def test_the_steps_seen_are_all_the_steps(multi: Repo) -> None:
    seen: list[str] = []
    bump(multi.path, "patch", before_step=seen.append)
    assert seen == STEPS


def test_failure_after_the_tag_step_undoes_tag_and_commit(multi: Repo) -> None:
    """A KeyboardInterrupt after the tag exists (the last moment) still undoes everything."""
    before = multi.snapshot()
    calls: list[str] = []

    def interrupt_after_tag(name: str) -> None:
        calls.append(name)

    # Run a real bump, then make the tag step itself fail through git: a tag that appears
    # between the checks and the write (created by a post-commit hook) cannot be overwritten.
    hook = multi.path / ".git" / "hooks" / "post-commit"
    hook.write_text("#!/bin/sh\ngit tag -a -m sneaky v1.3.0\n")
    hook.chmod(0o755)
    with pytest.raises(ReleaseError, match="already exists"):
        bump(multi.path, "minor", before_step=interrupt_after_tag)
    # The tag made by the hook is not ours: it stays (tags are never deleted by nox-release) ...
    assert "v1.3.0" in multi.tags()
    multi.git("tag", "-d", "v1.3.0")
    # ... and everything else is exactly as before.
    assert multi.snapshot() == before


def test_real_pre_commit_hook_rejecting_the_commit(multi: Repo) -> None:
    hook = multi.path / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'lint failed: trailing whitespace' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = multi.snapshot()
    with pytest.raises(ReleaseError, match="lint failed: trailing whitespace"):
        bump(multi.path, "major")
    assert multi.snapshot() == before


def test_commit_msg_hook_rejecting_the_message(multi: Repo) -> None:
    hook = multi.path / ".git" / "hooks" / "commit-msg"
    hook.write_text("#!/bin/sh\ngrep -q '^release' \"$1\" || { echo 'bad message' >&2; exit 1; }\n")
    hook.chmod(0o755)
    before = multi.snapshot()
    with pytest.raises(ReleaseError, match="bad message"):
        bump(multi.path, "patch")
    assert multi.snapshot() == before


def test_disk_full_while_writing_rolls_back(multi: Repo) -> None:
    before = multi.snapshot()

    def disk_full(name: str) -> None:
        if name == "write README.md":
            raise OSError(28, "No space left on device")

    with pytest.raises(ReleaseError, match=r"write README\.md failed .*No space left"):
        bump(multi.path, "patch", before_step=disk_full)
    assert multi.snapshot() == before


def test_a_rollback_that_cannot_finish_says_so(multi: Repo) -> None:
    """If something outside nox-release blocks the restore, the error names what is left."""

    def sabotage(name: str) -> None:
        if name == "write README.md":
            readme = multi.path / "README.md"
            readme.unlink()
            readme.mkdir()
            (readme / "x").write_text("x")

    with pytest.raises(
        ReleaseError, match=r"rollback could not finish: could not restore .*README.md"
    ):
        bump(multi.path, "patch", before_step=sabotage)
    # Everything else is back: no commit, no tag, the other files restored.
    assert multi.tags() == []
    assert multi.read("src/sample/__init__.py") == FILES["src/sample/__init__.py"]


def test_interrupt_after_git_commit_is_undone(multi: Repo) -> None:
    """Ctrl-C can land after `git commit` returned: the rollback asks git, not its own flags."""
    before = multi.snapshot()

    def interrupt(name: str) -> None:
        if name == "tag":  # the commit exists; the bookkeeping after it is not trusted
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        bump(multi.path, "patch", before_step=interrupt)
    assert multi.snapshot() == before


def test_new_files_get_normal_permissions(tmp_path: Path) -> None:
    import os
    import stat

    from nox_release.adapters.files import write_atomic

    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "NEW.md", "x\n")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "NEW.md").stat().st_mode) == 0o644


def test_folders_created_for_a_new_file_are_removed_on_rollback(tmp_path: Path) -> None:
    from nox_release.adapters.apply import apply_plan
    from nox_release.adapters.git import Git
    from nox_release.core.plan import FileChange, Plan

    repo = make_repo(tmp_path / "p")
    before = repo.snapshot()
    target = repo.path / "docs" / "deep" / "NEW.md"
    plan = Plan(
        root=repo.path, changes=(FileChange(target, None, "new\n"),), commit_message="docs: new"
    )

    def fail(name: str) -> None:
        if name == "commit":
            raise Injected(name)

    with pytest.raises(ReleaseError):
        apply_plan(plan, Git(repo.path), before_step=fail)
    assert not (repo.path / "docs").exists()
    assert repo.snapshot() == before
