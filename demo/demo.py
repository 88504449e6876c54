"""The main job: a whole release of a sample project, published to a local index, installed back.

Run it with ``nox -s demo``. In a temporary folder it creates a sample project with a history of
Conventional Commits, starts a real pypiserver on 127.0.0.1 (htpasswd authentication), runs the
real ``nox -s release -- --publish`` against it, installs the package back from the index into a
fresh virtual environment, imports it and checks its version. It needs no network beyond the
package registries (and not even those: the build and the SBOM run offline).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the shared testkit
from testkit.localindex import local_index

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
    project = root / "acme-widgets"
    (project / "src" / "acme_widgets").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        textwrap.dedent("""\
        [build-system]
        requires = ["hatchling"]
        build-backend = "hatchling.build"

        [project]
        name = "acme-widgets"
        version = "0.4.1"
        description = "Widgets, released by nox-release."
        readme = "README.md"
        license = "MIT"
        requires-python = ">=3.8"

        [tool.nox-release]
        version-files = ["src/acme_widgets/__init__.py"]
        """)
    )
    (project / "README.md").write_text("# acme-widgets\n\nWidgets for the nox-release demo.\n")
    (project / "src" / "acme_widgets" / "__init__.py").write_text('__version__ = "0.4.1"\n')
    (project / "noxfile.py").write_text("import nox_release\n\nnox_release.register()\n")
    (project / ".gitignore").write_text("dist/\n")
    git = ["git", "-c", "init.defaultBranch=main"]
    sh([*git, "init", "-q"], project, env, show=False)
    history = [
        ("chore: start acme-widgets", None),
        ("feat: widgets can spin", "SPIN = True\n"),
        ("chore(release): v0.4.1", None),
    ]
    for message, code in history:
        if code:
            (project / "src" / "acme_widgets" / "spin.py").write_text(code)
        sh(["git", "add", "-A"], project, env, show=False)
        sh(["git", "commit", "-q", "--allow-empty", "-m", message], project, env, show=False)
    sh(["git", "tag", "-a", "-m", "Release v0.4.1", "v0.4.1"], project, env, show=False)
    for message, code in [
        ("feat(spin): spin both ways", "SPIN = True\nREVERSE = True\n"),
        ("fix: spin stops when asked", "SPIN = True\nREVERSE = True\nSTOP = True\n"),
        ("docs: explain spinning", None),
    ]:
        if code:
            (project / "src" / "acme_widgets" / "spin.py").write_text(code)
        sh(["git", "add", "-A"], project, env, show=False)
        sh(["git", "commit", "-q", "--allow-empty", "-m", message], project, env, show=False)
    return project


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="nox-release-demo-") as tmp:
        root = Path(tmp)
        env = {
            **os.environ,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Demo Maintainer",
            "GIT_AUTHOR_EMAIL": "demo@example.invalid",
            "GIT_COMMITTER_NAME": "Demo Maintainer",
            "GIT_COMMITTER_EMAIL": "demo@example.invalid",
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
            say("   CHANGELOG.md (written by git-cliff inside the release commit)")
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
            index = url.replace("http://", f"http://{USER}:{PASSWORD}@") + "simple/"
            sh(
                [
                    str(py),
                    "-m",
                    "pip",
                    "install",
                    "-q",
                    "--no-cache-dir",
                    "--index-url",
                    index,
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
