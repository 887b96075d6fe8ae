"""No output inside rnnkit's own installed package folder, ``--force`` or not (rnnkit.utils.outputs).

``translate average A B --out <site-packages>/rnnkit/translate/pretrained/en_ko`` replaced the shipped
translator without a word: its folder is an rnnkit model folder of the same kind, so the output check
took it for the command's own.
"""

import os
from pathlib import Path

import pytest

import rnnkit
from rnnkit.cli import main
from rnnkit.utils import outputs
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.markers import Mark, write_mark
from rnnkit.utils.outputs import Output, claimed


def test_the_package_folder_is_rnnkits_own():
    assert Path(os.path.realpath(outputs.PACKAGE_FOLDER)) == Path(os.path.realpath(rnnkit.__file__)).parent


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A stand-in for the installed package: a shipped model folder inside it, as rnnkit marks its own
    (so the claim would otherwise accept it), and the package found through a symbolic link too."""
    pkg = tmp_path / "site-packages" / "rnnkit"
    shipped = pkg / "translate" / "pretrained" / "en_ko"
    shipped.mkdir(parents=True)
    write_mark(shipped, Mark("translate", "model"))
    monkeypatch.setattr(outputs, "PACKAGE_FOLDER", pkg)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "link").symlink_to(pkg / "translate")
    return pkg


def _snapshot(root: Path) -> dict[str, bytes | None]:
    return {str(p): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))}


@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize(
    "make",
    [
        lambda pkg: Output.whole("--out", pkg / "translate" / "pretrained" / "en_ko", "translate", "model"),
        lambda pkg: Output.folder("--out", pkg / "translate" / "pretrained", "translate", "run"),
        lambda pkg: Output.entries("--out", pkg / "data", "caption", "dataset"),
        lambda pkg: Output.file("--json", pkg / "scores.json"),
        lambda pkg: Output.file("--plot", Path("link") / "pretrained" / "attention.png"),
        lambda pkg: Output.folder("--out", pkg, "explain", "gates"),
    ],
)
def test_an_output_in_the_package_is_refused_even_forced(package, make, force):
    before = _snapshot(package)
    output = make(package)
    with pytest.raises(
        RnnkitError, match=r"rnnkit's own installed package .*--force or not: choose another"
    ) as info:
        claimed([output], force=force).__enter__()
    assert str(info.value).startswith(f"{output.option} {output.path} is")
    assert "\n" not in str(info.value)
    assert _snapshot(package) == before


def test_a_stream_and_a_folder_beside_the_package_are_still_written(package, tmp_path):
    with claimed(
        [Output.file("--json", Path("/dev/null")), Output.folder("--out", tmp_path / "runs", "x", "run")]
    ):
        pass
    with claimed([Output.file("--json", package.parent / "rnnkit-notes.json")]):  # a sibling, not inside
        pass


def test_the_command_line_refuses_a_report_inside_the_real_package(capsys):
    target = Path(rnnkit.__file__).parent / "test-scores-never-written.json"
    try:
        code = main(["translate", "text", "Hello.", "--json", str(target), "--force", "--threads", "1"])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and len(err) == 1 and "rnnkit's own installed package" in err[0], err
        assert not target.exists()
    finally:
        target.unlink(missing_ok=True)  # written only when the check is gone: leave the package as it was
