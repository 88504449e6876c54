"""The main job: a whole release of a sample project, published to a local index, installed back.

Run it with ``nox -s demo``. In a temporary folder it creates a sample project with a history of
Conventional Commits, starts a real pypiserver on 127.0.0.1 (htpasswd authentication), runs the
real ``nox -s release -- --publish`` against it, installs the package back from the index into a
fresh virtual environment, imports it and checks its version. It needs no network beyond the
package registries (and not even those: the build and the SBOM run offline).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the shared testkit
from testkit.gitenv import isolated_environ
from testkit.localindex import local_index
from testkit.samples import commit, init_repo, pyproject_toml, tag

USER, PASSWORD = "demo", "demo-password"


def say(text: str) -> None:
    print(f"\n=== {text}", flush=True)


def sh(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, show: bool = True) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    out = proc.stdout + proc.stderr
    if show and out.strip():
        print(textwrap.indent(out.rstrip(), "    "), flush=True)
    if proc.returncode != 0:
        raise SystemExit(f"demo failed: {' '.join(cmd)} exited {proc.returncode}\n{out}")
    return out


def sample_project(root: Path, env: dict[str, str]) -> Path:
    """acme-widgets 0.4.1, tagged, with a feature, a fix and docs since (testkit.samples)."""
    project = root / "acme-widgets"
    spin = "src/acme_widgets/spin.py"
    files = {
        "pyproject.toml": pyproject_toml(
            "acme-widgets",
            "0.4.1",
            description="Widgets, released by nox-release.",
            readme=True,
            license="MIT",
            tail='\n[tool.nox-release]\nversion-files = ["src/acme_widgets/__init__.py"]\n',
        ),
        "README.md": "# acme-widgets\n\nWidgets for the nox-release demo.\n",
        "src/acme_widgets/__init__.py": '__version__ = "0.4.1"\n',
        "noxfile.py": "import nox_release\n\nnox_release.register()\n",
        ".gitignore": "dist/\n",
    }
    init_repo(project, files, message="chore: start acme-widgets", env=env)
    commit(project, "feat: widgets can spin", {spin: "SPIN = True\n"}, env=env)
    commit(project, "chore(release): v0.4.1", env=env)
    tag(project, "v0.4.1", message="Release v0.4.1", env=env)
    for message, code in [
        ("feat(spin): spin both ways", "SPIN = True\nREVERSE = True\n"),
        ("fix: spin stops when asked", "SPIN = True\nREVERSE = True\nSTOP = True\n"),
        ("docs: explain spinning", None),
    ]:
        commit(project, message, {spin: code} if code else None, env=env)
    return project


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="nox-release-demo-") as tmp:
        root = Path(tmp)
        # git sees only its own config (the tests' isolation, testkit.gitenv) and a demo identity.
        env = isolated_environ(root / "home", name="Demo Maintainer", email="demo@example.invalid")
        env |= {
            "TWINE_USERNAME": USER,
            "TWINE_PASSWORD": PASSWORD,
            "GITHUB_OUTPUT": str(root / "github_output"),
        }
        env.pop("CI", None)
        say("1. a sample project with Conventional Commits since v0.4.1")
        project = sample_project(root, env)
        sh(["git", "log", "--oneline", "--decorate"], project, env)

        say("2. a local package index: pypiserver on 127.0.0.1, htpasswd authentication")
        with local_index(root / "index", username=USER, password=PASSWORD) as index:
            url = index.url
            print(f"    {url}")
            nox = [sys.executable, "-m", "nox", "--no-color", "-s", "release", "--"]
            say("3. the plan: nox -s release -- --publish --dry-run")
            sh(
                [
                    *nox,
                    "--publish",
                    "--repository",
                    url,
                    "--no-isolation",
                    "--no-index",
                    "--dry-run",
                ],
                project,
                env,
            )

            say("4. the release: nox -s release -- --publish (auto bump from the commits)")
            sh(
                [*nox, "--publish", "--repository", url, "--no-isolation", "--no-index"],
                project,
                env,
            )
            sh(["git", "log", "--oneline", "--decorate", "-3"], project, env)
            say("   CHANGELOG.md (written by the release, inside the release commit)")
            print(textwrap.indent((project / "CHANGELOG.md").read_text().strip(), "    "))
            say("   dist/ and GITHUB_OUTPUT")
            for p in sorted((project / "dist").iterdir()):
                if p.is_file():
                    print(f"    {p.name}")
            print(textwrap.indent((root / "github_output").read_text().strip(), "    "))

            say("5. run it again: nothing new to release, nothing uploaded twice")
            sh(
                [*nox, "--publish", "--repository", url, "--no-isolation", "--no-index"],
                project,
                env,
            )

            say("6. install acme-widgets back from the index into a fresh environment")
            venv = root / "venv"
            sh([sys.executable, "-m", "venv", str(venv)], root, env, show=False)
            py = venv / "bin" / "python"
            simple = index.url_with(USER, PASSWORD) + "simple/"
            sh(
                [
                    str(py),
                    "-m",
                    "pip",
                    "install",
                    "-q",
                    "--no-cache-dir",
                    "--index-url",
                    simple,
                    "acme-widgets",
                ],
                root,
                env,
            )
            version = sh(
                [str(py), "-c", "import acme_widgets; print(acme_widgets.__version__)"],
                root,
                env,
                show=False,
            ).strip()
            print(f"    import acme_widgets -> __version__ = {version}")
            if version != "0.5.0":
                raise SystemExit(f"demo failed: installed version {version}, expected 0.5.0")
        say("done: 0.4.1 -> 0.5.0 released, published, verified and installed back")


if __name__ == "__main__":
    main()
