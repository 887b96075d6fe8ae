"""A captions file that is no text (a Kaggle download still zipped or gzipped, UTF-16 saved without its
byte-order mark, a PDF, a picture) is refused in translate's words for a corpus, in one line, whichever
--format: it was "unknown captions format" (the format guess found no text to know), or with --format
"not UTF-8 text (byte 0x8b)", "expected 'NAME.jpg#k<TAB>caption'", "is not valid JSON"."""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest

from rnnkit.cli import main

KAGGLE = "image,caption\na.jpg,A dog runs on the grass .\nb.jpg,Two cats sleep .\n"


def _zipped(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, KAGGLE)
    return buffer.getvalue()


NOT_TEXT = {  # file name, its bytes, what the one line says of it
    "gzip": ("captions.txt.gz", gzip.compress(KAGGLE.encode()),
             " is gzip-compressed, not text: decompress it first (zcat {path} > captions.txt) and give that"),
    "zip": ("flickr8k.zip", _zipped("captions.txt"),
            " is a zip archive, not text: unzip it and give the captions file inside"),
    "utf-16 le": ("captions.txt", KAGGLE.encode("utf-16-le"),
                  ": every other byte is NUL, as in UTF-16 text saved without a byte-order mark; save it as UTF-8"),
    "utf-16 be": ("captions.txt", KAGGLE.encode("utf-16-be"),
                  ": every other byte is NUL, as in UTF-16 text saved without a byte-order mark; save it as UTF-8"),
    "pdf": ("captions.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
            " is a PDF document, not text: take its text out first (pdftotext FILE out.txt) and give that"),
    "png": ("captions.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
            " is a PNG image, not text: give a text file"),
}  # fmt: skip


@pytest.mark.parametrize("fmt", ["auto", "flickr8k", "coco", "karpathy"])
@pytest.mark.parametrize("kind", list(NOT_TEXT))
def test_a_captions_file_that_is_no_text_is_one_line_and_trains_nothing(tmp_path, capsys, kind, fmt):
    name, data, said = NOT_TEXT[kind]
    path = tmp_path / name
    path.write_bytes(data)
    (tmp_path / "Images").mkdir()
    out = tmp_path / "run"
    args = ["--data", str(path), "--images", str(tmp_path / "Images"), "--format", fmt, "--out", str(out)]
    assert main(["caption", "train", *args]) == 2
    err = capsys.readouterr().err
    assert err == f"rnnkit: error: {path}{said.format(path=path)}\n"
    assert not out.exists()


def test_a_split_list_beside_a_token_file_that_is_utf16_without_its_mark_is_named(tmp_path):
    """Flickr8k's split lists are read as its token file is (:func:`load_captions`)."""
    from rnnkit.caption.datasets import load_captions
    from rnnkit.utils.errors import RnnkitError

    (tmp_path / "Images").mkdir()
    (tmp_path / "Flickr8k.token.txt").write_text("a.jpg#0\tA dog runs .\n", encoding="utf-8")
    listing = tmp_path / "Flickr_8k.trainImages.txt"
    listing.write_bytes("a.jpg\n".encode("utf-16-le"))
    with pytest.raises(RnnkitError) as info:
        load_captions(tmp_path / "Flickr8k.token.txt", tmp_path / "Images")
    assert str(info.value) == (
        f"{listing}: every other byte is NUL, as in UTF-16 text saved without a byte-order mark; save it as UTF-8"
    )


@pytest.mark.parametrize("fmt", ["auto", "flickr8k", "coco", "karpathy"])
@pytest.mark.parametrize(
    "data",
    [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\n\r\n  \n"],
    ids=["0 bytes", "a mark", "utf-16 mark", "blank"],
)
def test_an_empty_captions_file_is_said_to_be_empty(tmp_path, capsys, fmt, data):
    """A download that failed leaves 0 bytes: "unknown captions format", or with --format "not valid JSON
    (Expecting value at line 1)" and "no image with a caption in it", sent the user after formats;
    translate and --config say of such a file that it is empty."""
    path = tmp_path / "captions.txt"
    path.write_bytes(data)
    (tmp_path / "Images").mkdir()
    out = tmp_path / "run"
    args = ["--data", str(path), "--images", str(tmp_path / "Images"), "--format", fmt, "--out", str(out)]
    assert main(["caption", "train", *args]) == 2
    assert capsys.readouterr().err == (
        f"rnnkit: error: {path} is empty: a captions file holds Karpathy JSON, COCO JSON, Flickr8k tokens "
        "(NAME.jpg#k<TAB>caption) or Kaggle's captions.txt (image,caption)\n"
    )
    assert not out.exists()
