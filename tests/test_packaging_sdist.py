"""The sdist's test suite runs: the files it and the guides read from outside tests/ and docs/ ship beside them.

The sdist holds tests/ (pyproject.toml's [tool.hatch.build.targets.sdist]) so that someone packaging rnnkit
from the sdist can run the suite. Several tests read the repository beyond tests/: the outside evaluation
sets and the number and name check sets under benchmarks/data, the GPU benchmark and the names benchmark
scripts, and every file a guide names (the docs tests check each one exists: benchmark scripts, result logs,
``.ci/run``). Without those in the sdist, 19 tests of an unpacked sdist failed with "corpus file not found:
.../benchmarks/data/outside_en_ko.tsv" and "docs/BENCHMARKS.md:1116: .ci/run does not exist". The sdist's
files are the build backend's own choice (``test_packaging._sdist_files``: hatchling's file walk), without
building one.
"""

from __future__ import annotations

import fnmatch
import re

from test_packaging import ROOT, _repo_files, _sdist_files

# `Path(__file__).resolve().parents[2] / "benchmarks" / "data"` or `ROOT / "docs" / "serve"`: the quoted
# parts after a base; an f-string part (f"numbers{s}.tsv") ends the chain at the folder before it.
CHAIN = re.compile(r"\b(ROOT|REPO|parents\[(\d)\])((?:\s*/\s*\"[^\"]+\")+)")
# A path a guide names in a code span, as tests/test_docs_commands.py reads them (src/ aside: the wheel
# checks of test_packaging cover it, and an unpacked sdist holds an untracked src/rnnkit.egg-info).
GUIDE_PATH = re.compile(r"`((?:tests|benchmarks|examples|\.ci)/[\w./*-]*)`")


def _tracked() -> list[str]:
    return [f for f in _repo_files(".") if not f.endswith(".pyc")]


def _tracked_under(rel: str, tracked: list[str]) -> list[str]:
    """The tracked files ``rel`` stands for: itself, the files in it (a folder) or those it globs."""
    if "*" in rel:
        return [f for f in tracked if fnmatch.fnmatchcase(f, rel)]
    return [f for f in tracked if f == rel or f.startswith(rel + "/")]


def _paths_the_tests_read() -> set[str]:
    """Repository paths (relative to ROOT) the test files build from their own location or ROOT."""
    found: set[str] = set()
    for rel in _repo_files("tests"):
        if not rel.endswith(".py"):
            continue
        test_file = ROOT / rel
        for _base, up, parts in CHAIN.findall(test_file.read_text(encoding="utf-8")):
            start = test_file.resolve().parents[int(up)] if up else ROOT
            path = start.joinpath(*re.findall(r"\"([^\"]+)\"", parts)).resolve()
            if path.is_relative_to(ROOT) and path != ROOT:
                found.add(path.relative_to(ROOT).as_posix())
    return {p for p in found if p.split("/")[0] not in {".git", "src"}}  # src: test_packaging's own checks


def _paths_the_guides_name() -> set[str]:
    pages = [f for f in _repo_files("docs") if f.endswith(".md")] + ["README.md", "README.ko.md"]
    found: set[str] = set()
    for rel in pages:
        for path in GUIDE_PATH.findall((ROOT / rel).read_text(encoding="utf-8")):
            if "<" not in path:
                found.add(path.rstrip("/."))
    return found


def _left_out(paths: set[str]) -> dict[str, list[str]]:
    tracked, sdist = _tracked(), _sdist_files() | {".gitignore"}  # hatchling adds it itself
    lost = {p: sorted(set(_tracked_under(p, tracked)) - sdist) for p in sorted(paths)}
    return {p: files[:5] for p, files in lost.items() if files}


def test_the_finders_see_what_the_suite_and_guides_use():
    """The patterns are not stale: they find the benchmark data the translate tests read and .ci/run."""
    assert "benchmarks/data" in _paths_the_tests_read()
    assert "benchmarks/bench_gpu.py" in _paths_the_tests_read()
    assert ".ci/run" in _paths_the_guides_name()


def test_the_sdist_holds_every_file_the_test_suite_reads():
    lost = _left_out(_paths_the_tests_read())
    assert not lost, (
        f"a test reads these, the sdist leaves them out (add them to pyproject.toml's sdist only-include): {lost}"
    )


def test_the_sdist_holds_every_file_a_guide_names():
    """tests/test_docs_commands.py fails on a path a guide names that is missing: in an unpacked sdist,
    every benchmark script, result log and .ci/run the guides cite."""
    lost = _left_out(_paths_the_guides_name())
    assert not lost, (
        f"a guide names these, the sdist leaves them out (add them to pyproject.toml's sdist only-include): {lost}"
    )
