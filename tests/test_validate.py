"""validate: the built wheel alone, in a fresh environment, with the configured commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from nox_release import ArtifactError
from nox_release.steps.validate import validate
from testkit.publish import build
from testkit.samples import Repo, make_repo, pyproject_toml
from testkit.sbom import Wheelhouse

FROM_WHEEL = (
    'python -c "import val_dep, dep_a, dep_b; '
    "assert 'site-packages' in val_dep.__file__, val_dep.__file__; "
    "assert val_dep.__version__ == '1.0.0'\""
)


@pytest.fixture
def project(tmp_path: Path) -> Repo:
    text = pyproject_toml("val-dep", "1.0.0", dependencies=["dep-a"])
    text += '\n[tool.nox-release]\nvalidate = ["' + FROM_WHEEL.replace('"', '\\"') + '"]\n'
    repo = make_repo(
        tmp_path / "val",
        pyproject=text,
        files={"src/val_dep/__init__.py": '__version__ = "1.0.0"\n'},
    )
    build(repo)
    return repo


@pytest.mark.parametrize("installer", ["auto", "pip"])
def test_the_wheel_and_its_dependencies_alone(
    project: Repo, wheelhouse: Wheelhouse, installer: str
) -> None:
    lines: list[str] = []
    result = validate(
        project.path,
        find_links=wheelhouse.links,
        no_index=True,
        installer=installer,
        log=lines.append,
    )
    assert result.installer == ("pip" if installer == "pip" else "uv")
    assert result.wheel is not None and result.wheel.name == "val_dep-1.0.0-py3-none-any.whl"
    assert result.commands == (FROM_WHEEL,)
    assert "validated val_dep-1.0.0-py3-none-any.whl: 1 command(s) passed" in lines[-1]


def test_a_failing_command_shows_its_output(project: Repo, wheelhouse: Wheelhouse) -> None:
    lines: list[str] = []
    failing = "python -c \"import sys; print('smoke: 3 failed'); sys.exit(3)\""
    with pytest.raises(
        ArtifactError, match=r"the validate command .* failed against .*exit code 3"
    ):
        validate(
            project.path,
            commands=[failing],
            find_links=wheelhouse.links,
            no_index=True,
            log=lines.append,
        )
    assert "smoke: 3 failed" in lines


def test_unreachable_dependencies_are_one_sentence(project: Repo) -> None:
    with pytest.raises(ArtifactError, match="could not be installed into a fresh environment"):
        validate(project.path, no_index=True)


def test_nothing_configured_is_nothing_to_do(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "plain")
    lines: list[str] = []
    assert validate(repo.path, log=lines.append).wheel is None
    assert "nothing to validate" in lines[0]
