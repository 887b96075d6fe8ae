"""What ``pip install rnnkit`` gets: the built package, checked without building one.

CI and developers install rnnkit editable, where every file of the checkout is there; a wheel holds only
what the build backend (hatchling, pyproject.toml's ``[tool.hatch.build.targets.*]``) selects. A data file
it leaves out (the shipped translator, a bundled data set, a page of the web app) works in every test and
is missing for every user. The fast tests ask hatchling itself which files each target would hold (its
own file walk, the one a build runs, without writing an archive); the slow one builds the wheel from a
clean clone and runs the shipped translator from it."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _repo_files(under: str) -> list[str]:
    """Files under ``under`` as a clean clone has them (git's list: untracked files never ship from one),
    relative to ROOT with '/'; the files on disk where this is not a git checkout (an unpacked sdist)."""
    git = shutil.which("git")
    if git and (ROOT / ".git").exists():
        out = subprocess.run(
            [git, "ls-files", "-z", "--", under], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        return [f for f in out.split("\0") if f and (ROOT / f).is_file()]
    return [
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / under).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    ]


def _target_files(target: str) -> set[str]:
    """The files (relative to ROOT, with '/') that hatchling's builder for ``target`` ('wheel' or 'sdist')
    puts in the archive: its own walk of the tree with pyproject.toml's rules and .gitignore's exclusions."""
    builders = pytest.importorskip(
        f"hatchling.builders.{target}", reason="hatchling (the [dev] extra) is missing"
    )
    builder = getattr(builders, f"{target.capitalize()}Builder")(str(ROOT))
    return {Path(os.path.relpath(f.path, ROOT)).as_posix() for f in builder.recurse_included_files()}


def _wheel_files() -> set[str]:
    """Every file of the package the wheel would hold (relative to ROOT)."""
    return _target_files("wheel")


def test_every_file_of_the_package_is_in_the_wheel():
    """A file under src/rnnkit that no pattern names works in a checkout and is absent after
    ``pip install rnnkit``: say which, and the pattern that would ship it."""
    files = [f for f in _repo_files("src/rnnkit") if not f.endswith(".pyc")]
    assert len(files) > 100, "found too few files to check: is this the repository root?"
    missing = sorted(set(files) - _wheel_files())
    assert not missing, (
        "in the repository but not in the wheel (see [tool.hatch.build.targets.wheel] and .gitignore): "
        + ", ".join(missing)
    )


def test_the_data_the_code_reads_ships():
    """The files the code opens by a path under the package (the shipped translator, the bundled data
    sets, the web app's pages and static files) are in the wheel, each one by name."""
    from rnnkit.forecast.data import DATA_DIR
    from rnnkit.serve.app import PAGES_DIR, STATIC
    from rnnkit.translate.corpus import BUNDLED
    from rnnkit.translate.options import SHIPPED_CONFIG
    from rnnkit.translate.translator import SHIPPED

    read = [BUNDLED, SHIPPED_CONFIG, *SHIPPED.iterdir(), *DATA_DIR.iterdir(), *PAGES_DIR.iterdir()]
    read += list(STATIC.iterdir())
    read = [p for p in read if p.is_file() and p.suffix != ".pyc"]
    assert {"model.safetensors", "src.spm", "tgt.spm", "config.json"} <= {p.name for p in read}
    shipped = _wheel_files()
    rel = {p.resolve().relative_to(ROOT).as_posix() for p in read}
    assert not sorted(rel - shipped), f"read at run time, not in the wheel: {sorted(rel - shipped)}"


def test_the_wheel_holds_no_tests_and_no_build_leftovers():
    shipped = _wheel_files()
    assert all(f.startswith("src/rnnkit/") for f in shipped)
    assert not [f for f in shipped if "__pycache__" in f or f.endswith((".pyc", ".pyo"))]


def _sdist_files() -> set[str]:
    """The sdist's files (relative to ROOT) beside the PKG-INFO and .gitignore the builder adds itself."""
    return _target_files("sdist")


def test_the_sdist_keeps_the_package_data():
    """``python -m build`` makes the wheel from the sdist: a file the sdist's ``only-include`` leaves out
    is missing from that wheel too."""
    lost = sorted(_wheel_files() - _sdist_files())
    assert not lost, f"the sdist leaves out (so the wheel built from it does too): {lost}"


def test_the_sdist_holds_the_whole_test_suite_and_the_docs():
    """Left to a backend's defaults the sdist once held tests/test*.py alone (no conftest.py, none of
    the per-application folders), a suite that cannot run, and none of the docs the README and the CLI
    point to."""
    sdist = _sdist_files()
    wanted = [f for f in _repo_files("tests") + _repo_files("docs") if not f.endswith(".pyc")]
    wanted += ["README.ko.md", "LICENSE"]
    assert not sorted(set(wanted) - sdist)


def _imported_top_names() -> set[str]:
    """Top-level names of every absolute import in src/rnnkit, those inside functions too."""
    names: set[str] = set()
    for rel in _repo_files("src/rnnkit"):
        if not rel.endswith(".py"):
            continue
        for node in ast.walk(ast.parse((ROOT / rel).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"rnnkit", "__future__"}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(requirements: list[str]) -> set[str]:
    return {_normal(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", r.strip()).group(0)) for r in requirements}


def test_every_imported_distribution_is_declared():
    """A module rnnkit imports comes from a distribution pyproject.toml names (in dependencies, or in
    the extra that feature asks for): one that arrives only as another package's dependency (tqdm via
    huggingface_hub, fontTools via matplotlib) goes when that package stops needing it."""
    project = PYPROJECT["project"]
    declared = _declared(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        declared |= _declared(extra)
    owners = metadata.packages_distributions()
    undeclared = {}
    for name in sorted(_imported_top_names()):
        dists = {_normal(d) for d in owners.get(name, [name])}
        if not dists & declared:
            undeclared[name] = sorted(dists)
    assert not undeclared, f"imported, from no declared distribution: {undeclared}"


def test_the_runtime_imports_are_core_dependencies():
    """tqdm (progress bars in a notebook) and fontTools (Korean in the HTML report) run without any
    extra, so they belong in ``dependencies``, not only in an extra."""
    core = _declared(PYPROJECT["project"]["dependencies"])
    assert {"tqdm", "fonttools"} <= core


def test_every_extra_a_message_or_guide_names_exists():
    """``pip install 'rnnkit[NAME]'`` in an error message or a guide: pip only warns about an unknown
    extra and installs rnnkit without it, so the user is left where the message found them."""
    extras = set(PYPROJECT["project"].get("optional-dependencies", {}))
    named: dict[str, set[str]] = {}
    for rel in _repo_files("src/rnnkit") + _repo_files("docs") + ["README.md", "README.ko.md"]:
        if rel.endswith((".py", ".md")) and (ROOT / rel).is_file():
            for extra in re.findall(r"rnnkit\[([\w,-]+)\]", (ROOT / rel).read_text(encoding="utf-8")):
                for one in extra.split(","):
                    named.setdefault(one, set()).add(rel)
    assert named, "found no install hint at all: the pattern is stale"
    unknown = {extra: sorted(where) for extra, where in named.items() if extra not in extras}
    assert not unknown, f"extras named but not in pyproject.toml: {unknown}"


def build_wheel(tree: Path, out: Path) -> Path:
    """The wheel of ``tree``, built as ``pip wheel .`` builds it (the installed backend, nothing
    downloaded), in ``out``."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "-q",
        "--no-deps",
        "--no-build-isolation",
        "-w",
        str(out),
        ".",
    ]
    built = subprocess.run(
        command, cwd=tree, capture_output=True, text=True, env={**os.environ, "PIP_NO_INDEX": "1"}
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = out.glob("rnnkit-*.whl")
    return wheel


@pytest.mark.slow
def test_the_built_wheel_translates_away_from_the_checkout(tmp_path):
    """Build the wheel from a clean clone, unpack it, and translate with the shipped model from a folder
    outside the repository, importing rnnkit from the unpacked wheel only."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("needs a git checkout to clone")
    pytest.importorskip("hatchling", reason="the build backend (the [dev] extra) is missing")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    with zipfile.ZipFile(build_wheel(clone, tmp_path / "wheels")) as zf:
        names = set(zf.namelist())
        zf.extractall(tmp_path / "site")
    expected = {f.removeprefix("src/") for f in _repo_files("src/rnnkit") if not f.endswith(".pyc")}
    assert not sorted(expected - names)
    assert not [n for n in names if n.startswith("tests/") or "__pycache__" in n]
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import rnnkit; "
        "assert rnnkit.__file__.startswith(sys.argv[1]), rnnkit.__file__; "
        "from rnnkit.translate import Translator; "
        "print(Translator.from_pretrained().translate(['I am a student.'])[0].text)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "site")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert run.returncode == 0, run.stderr
    assert "학생" in run.stdout


def test_no_message_points_a_user_to_a_file_a_wheel_leaves_out():
    """A wheel holds src/rnnkit only: a message or caption naming docs/ or benchmarks/ sends an installed
    user to a file they do not have (two did: the demo's "scores are in docs/RESULTS.md" and translate's
    MBR note). Docstrings and comments may cite them for the reader of the source."""
    found = []
    for path in sorted((ROOT / "src" / "rnnkit").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        found += [
            f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:80]!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and re.search(r"\b(docs|benchmarks)/", node.value)
        ]
    assert found == []
