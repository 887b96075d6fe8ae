"""``caption describe A B C`` with some pictures unreadable: the others described, one error line each,
exit status 2 at the end; ``--json`` keeps its format and lists the failures; ``Captioner.read_each``
and ``Captioner.describe`` on a list."""

import json

import numpy as np
import pytest
from helpers_caption import api_model_folder
from PIL import Image

from rnnkit.caption import Captioner
from rnnkit.cli import main
from rnnkit.utils.errors import RnnkitError


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    """A tiny model and five pictures: two good, one not an image, one missing, one 1x1 pixel."""
    root = tmp_path_factory.mktemp("many")
    model = api_model_folder(root, train=24, val=6, seed=5)
    good = sorted((root / "data" / "images").glob("*.png"))[:2]
    junk = root / "junk.jpg"
    junk.write_text("not an image")
    tiny = root / "tiny.png"
    Image.new("RGB", (1, 1), (200, 10, 10)).save(tiny)
    given = [good[0], junk, root / "missing.png", tiny, good[1]]
    return model, [str(p) for p in given]


def _describe(model, images, *more):
    return main(["caption", "describe", "--model", str(model), *images, "--device", "cpu", *more])


def test_every_readable_picture_is_described_and_each_bad_one_is_one_error_line(pictures, capsys, tmp_path):
    model, given = pictures
    good, bad = [given[0], given[4]], given[1:4]
    assert _describe(model, given[:1]) == 0
    first_alone = capsys.readouterr().out
    plot, out = tmp_path / "p.png", tmp_path / "d.json"
    assert _describe(model, given, "--json", str(out), "--plot", str(plot)) == 2  # after describing the rest
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert [line.split("\t")[0] for line in lines] == good  # in the order given, the format unchanged
    assert lines[0] + "\n" == first_alone  # the same line as when described alone
    errors = [line for line in captured.err.splitlines() if line.startswith("rnnkit: error:")]
    needles = ("unreadable image", "image not found", "image too small")
    assert len(errors) == 3 and all(n in e and p in e for n, e, p in zip(needles, errors, bad, strict=True))
    assert "Traceback" not in captured.err
    doc = json.loads(out.read_text())
    assert [d["image"] for d in doc["images"]] == good and all("caption" in d for d in doc["images"])
    assert [f["image"] for f in doc["failed"]] == bad
    assert [f["error"] for f in doc["failed"]] == [e.removeprefix("rnnkit: error: ") for e in errors]
    assert plot.is_file()


def test_all_readable_is_status_0_with_no_failure_listed(pictures, capsys, tmp_path):
    model, given = pictures
    out = tmp_path / "d.json"
    assert _describe(model, [given[0], given[4]], "--json", str(out)) == 0
    assert json.loads(out.read_text())["failed"] == []
    assert "error" not in capsys.readouterr().err


def test_none_readable_writes_nothing(pictures, capsys, tmp_path):
    model, given = pictures
    plot, out = tmp_path / "p.png", tmp_path / "d.json"
    assert _describe(model, given[1:4], "--json", str(out), "--plot", str(plot)) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and not plot.exists() and not out.exists()
    assert [line.startswith("rnnkit: error:") for line in captured.err.splitlines()] == [True] * 3


def test_help_says_the_exit_status(capsys):
    assert main(["caption", "describe", "--help"]) == 0
    assert "exit status is 2 at the end" in " ".join(capsys.readouterr().out.split())


def test_python_describe_of_a_list_raises_on_the_first_bad_one_and_read_each_goes_on(pictures):
    model, given = pictures
    cap = Captioner.from_pretrained(model, device="cpu")
    with pytest.raises(RnnkitError, match="unreadable image .*junk.jpg"):
        cap.describe(given)
    pixels, kept, problems = cap.read_each(given)
    assert kept == [0, 4] and pixels.shape[0] == 2 and len(problems) == 3
    assert "junk.jpg" in problems[0] and "missing.png" in problems[1] and "tiny.png" in problems[2]
    alone = cap.describe([given[0], given[4]])
    assert [d.caption for d in cap.describe(pixels)] == [d.caption for d in alone]


def test_an_unnamed_bad_image_of_a_list_is_named_by_its_place(pictures):
    model, given = pictures
    cap = Captioner.from_pretrained(model, device="cpu")
    bad = np.zeros((8, 8), dtype=np.float32)
    with pytest.raises(RnnkitError, match=r"^image 2 of 3: an image array must be uint8"):
        cap.describe([given[0], bad, given[4]])
    with pytest.raises(RnnkitError, match=r"^an image array must be uint8"):  # alone: nothing to tell apart
        cap.describe(bad)
    with pytest.raises(RnnkitError, match=r"^image 2 of 2: an image path is empty"):
        cap.describe([given[0], " "])
    _, kept, problems = cap.read_each([given[0], bad, {"not": "an image"}])
    assert (
        kept == [0]
        and problems[0].startswith("image 2 of 3: ")
        and "image 3 of 3: cannot read" in problems[1]
    )


def test_a_long_list_is_read_a_batch_at_a_time_with_the_same_lines(pictures, capsys, tmp_path, monkeypatch):
    """Every picture was read before the first was described: a folder of 10,000 photos held 1.5 GB of
    pixels. Now at most DESCRIBE_BATCH are held at once, and the lines, errors, --json and plot are
    those of one batch (a failure in the second batch named as in the first)."""
    from rnnkit.caption import cli as caption_cli

    model, given = pictures
    monkeypatch.setattr(caption_cli, "DESCRIBE_BATCH", 2)
    sizes = []
    read_each = Captioner.read_each
    monkeypatch.setattr(
        Captioner, "read_each", lambda self, items: sizes.append(len(items)) or read_each(self, items)
    )
    out, plot = tmp_path / "d.json", tmp_path / "p.png"
    assert _describe(model, given, "--json", str(out), "--plot", str(plot)) == 2
    captured = capsys.readouterr()
    assert sizes == [2, 2, 1]
    assert [line.split("\t")[0] for line in captured.out.splitlines()] == [given[0], given[4]]
    errors = [line for line in captured.err.splitlines() if line.startswith("rnnkit: error:")]
    assert [f["image"] for f in json.loads(out.read_text())["failed"]] == given[1:4]
    assert len(errors) == 3 and all(p in e for e, p in zip(errors, given[1:4], strict=True))
    assert plot.is_file()


def test_the_progress_line_counts_images_not_batches(pictures, capsys, monkeypatch):
    """Five images in batches of 2 were 'describing: 1/3 ... 3/3': batches, which the user never gave."""
    import functools

    from rnnkit.caption import cli as caption_cli
    from rnnkit.utils import progress as progress_module

    model, given = pictures
    monkeypatch.setattr(caption_cli, "DESCRIBE_BATCH", 2)
    monkeypatch.setattr(progress_module, "is_terminal", lambda: False)
    # a line after each batch, not every 5 seconds: each count is seen
    monkeypatch.setattr(
        progress_module, "progress", functools.partial(progress_module.progress, plain_every=0.0)
    )
    assert _describe(model, given) == 2  # three of the five cannot be read
    counts = [
        line.split(" (")[0] for line in capsys.readouterr().err.splitlines() if line.startswith("describing")
    ]
    assert counts == ["describing: 2/5", "describing: 4/5", "describing: 5/5"]


def test_no_progress_leaves_stderr_to_the_errors(pictures, capsys, monkeypatch):
    """describe drew its progress on more than 16 images (here 2) with no way to turn it off, where every
    other command that shows one takes --no-progress; a script reading stderr for its error lines got
    'describing: 2/5' among them."""
    from rnnkit.caption import cli as caption_cli
    from rnnkit.utils import progress as progress_module

    model, given = pictures
    monkeypatch.setattr(caption_cli, "DESCRIBE_BATCH", 2)
    monkeypatch.setattr(progress_module, "is_terminal", lambda: False)
    assert _describe(model, given) == 2
    assert "describing: 5/5" in capsys.readouterr().err  # on by default, as before
    for off in ("--no-progress", "--quiet"):  # the shared option, with its old name
        assert _describe(model, given, off) == 2
        captured = capsys.readouterr()
        assert [line.split("\t")[0] for line in captured.out.splitlines()] == [given[0], given[4]]
        assert [line.split(":")[0] for line in captured.err.splitlines()] == ["rnnkit"] * 3, captured.err


def test_an_unreadable_picture_named_in_bytes_not_utf8_is_listed_as_typed(pictures, capsys, tmp_path):
    # a name from an old Windows zip (q\xfe.jpg): its error held the lone surrogate Python reads the byte as,
    # and --json, written after every picture was described, was refused whole ("bytes that are not UTF-8")
    import os

    model, given = pictures
    bad = tmp_path / os.fsdecode(b"q\xfe.jpg")
    bad.write_bytes(b"not an image")
    out = tmp_path / "d.json"
    assert _describe(model, [given[0], str(bad)], "--json", str(out)) == 2
    err = capsys.readouterr().err
    assert f"unreadable image {tmp_path}/q\\xfe.jpg (" in err
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert len(doc["images"]) == 1
    assert [f["image"] for f in doc["failed"]] == [f"{tmp_path}/q\\xfe.jpg"]
    assert doc["failed"][0]["error"].startswith(f"unreadable image {tmp_path}/q\\xfe.jpg (")


def test_a_folder_s_file_left_out_named_in_bytes_not_utf8_is_noted_as_typed(pictures, capsys, tmp_path):
    # the note named it by the lone surrogate Python reads the byte as (r\udcfd.heic), where the error
    # lines and warnings show the byte as typed (r\xfd.heic)
    import os
    import shutil

    model, given = pictures
    photos = tmp_path / "photos"
    photos.mkdir()
    shutil.copy(given[0], photos / "a.png")
    (photos / os.fsdecode(b"r\xfd.heic")).write_bytes(b"not read")
    (photos / os.fsdecode(b"d\xfc")).mkdir()
    assert _describe(model, [str(photos)]) == 0
    err = capsys.readouterr().err
    assert "left out 1 file(s) without an image suffix Pillow reads (.png, .jpg, ...): r\\xfd.heic; a" in err
    assert "left out 1 folder(s), which are not searched: d\\xfc\n" in err
