"""Captioned image datasets: the formats people bring, read into one list of :class:`ImageRecord`.

Formats (``--format auto`` tells them apart by content):

- **Karpathy split JSON** (``dataset_coco.json``, ``dataset_flickr8k.json``, and what
  ``rnnkit caption generate-data`` writes): ``{"dataset", "images": [{"filename", "filepath"?, "split",
  "sentences": [{"tokens", "raw"}]}]}``; the image is ``ROOT/filepath/filename``. ``restval`` counts as
  ``train``; ``validation``, ``valid`` and ``dev`` as ``val``.
- **COCO captions JSON** (``captions_train2014.json``) with an image folder: ``{"images": [{"id",
  "file_name"}], "annotations": [{"image_id", "caption"}]}``; every image gets the split given.
- **Flickr8k token file** (``Flickr8k.token.txt``): ``NAME.jpg#k<TAB>caption`` lines; splits come from
  ``Flickr_8k.{train,dev,test}Images.txt`` beside it when present (dev is ``val``), else all ``train``.
  The Kaggle copy's ``captions.txt`` (an ``image,caption`` header, then ``NAME.jpg,caption``; or of
  semicolons or tabs, as its header is) reads the same way.

Bad input, documented behaviour: captions whose image file is missing are dropped and counted (a Hangul
file name decomposed by macOS is found in either form; a path written on Windows with backslashes,
``photos\\a.jpg``, with slashes; one with a drive letter, ``C:\\...``, is named as such); COCO captions
of an image id the ``images`` list lacks are dropped and counted apart; empty captions (no word after
tokenising) are dropped and counted; an image left with no caption is dropped. The counts are in
:attr:`CaptionData.missing_images` / :attr:`CaptionData.empty_captions` /
:attr:`CaptionData.unlisted_captions` and the commands print them. An image listed twice has its
captions merged, unless the two entries put it in different splits (a test image trained on) or a COCO
id names two files, or two Flickr8k split lists name it: one-line errors. A file in none of the formats,
or with no usable image (the message names one missing path, to show where the images were looked for),
is an error.
"""

from __future__ import annotations

import csv
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import chain
from pathlib import Path

from rnnkit.caption.dataset_schema import COCO, KARPATHY
from rnnkit.utils.byte_order import bad_byte, decode, refuse_no_text, text_encoding
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.linestream import split_lines
from rnnkit.utils.schema import read_json, validate
from rnnkit.utils.user_paths import expand_user

FORMATS = ("auto", "karpathy", "coco", "flickr8k")
# what tokenize reads as another character, or drops, before reading words: the apostrophes phones, word
# processors and macOS type (curly, or the modifier letter) as '; the commas of other scripts (Chinese ，
# and 、, Arabic ، , Armenian, Ethiopic, N'Ko, the small and vertical forms) as the comma kept, where they
# were dropped beside it; the variation selectors dropped: they choose how a character is drawn (the
# invisible U+FE0F a phone types after ❤ or ☀), not what it says, and one left alone was a word
_READ_AS = str.maketrans(
    {
        "\u2019": "'",
        "\u02bc": "'",
        **dict.fromkeys("\uff0c\u3001\uff64\u060c\u055d\u1363\u07f8\ufe50\ufe51\ufe10\ufe11", ","),
        **dict.fromkeys([*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]),
    }
)
# the half- and full-width forms: Japanese systems type Latin letters full-width (ｄｏｇ) and older ones
# kana half-width, a sound mark apart (ﾄﾞｯｸﾞ); read as the usual letters (NFKC of those forms alone, not of
# the whole caption: it would read ² as 2), where ｄｏｇ was a word beside dog and each ﾞ a word. So are the
# Latin ligatures (ﬁ, ﬂ, ﬀ, ...) that text copied from a PDF or typeset page holds: ﬁsh was a word beside fish
_WIDTH = re.compile("[\uff01-\uffee\ufb00-\ufb06]+")
# Chinese characters and Japanese kana: scripts written without spaces between words, so each character is
# a word (as BERT reads Chinese): a whole caption was one word, and a model of them could only repeat one;
# the kana blocks' punctuation (・, ゠) and sound marks (゛) left out, as other punctuation is
_CJK = "\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"


_ASCII_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*|,")  # :func:`_word_pattern` of ASCII text


@cache
def _word_pattern() -> re.Pattern[str]:
    """A word: letters and digits of any script, each with the combining marks after it (a Devanagari vowel
    sign, a Thai tone mark, Arabic harakat: not letters to ``\\w``, so they cut a word into pieces), joined
    by an apostrophe (dog's) or a zero-width (non-)joiner (Persian می‌روم, a Devanagari half form) inside a
    word; a Chinese character or kana alone; or a comma. A mark with no letter before it (an accent typed
    alone) is no word: it was one. The joiners between emoji (👨‍👩‍👧) join no letters and are dropped with
    them. Built once: the marks are listed from the Unicode database (none lie above U+1FFFF but the
    variation selectors)."""
    marks = [c for c in (*range(0x20000), *range(0xE0100, 0xE01F0)) if unicodedata.category(chr(c))[0] == "M"]
    spans, start = [], marks[0]
    for prev, c in zip(marks, [*marks[1:], -1], strict=True):
        if c != prev + 1:
            spans.append(f"\\U{start:08x}-\\U{prev:08x}")
            start = c
    mark = "".join(spans)
    letter = f"[^\\W_{_CJK}]"
    part = f"{letter}(?:{letter}|(?![\\x00-\\u02ff])[{mark}])*"  # the lookahead: no mark search below U+0300
    return re.compile(f"[{_CJK}][{mark}]*|{part}(?:['\\u200c\\u200d]{part})*|,")


def tokenize(text: str) -> list[str]:
    """Lower-case words (and commas); other punctuation dropped, like the Karpathy tokens. Letters of
    any script are kept (``café``, ``Zürich``, Hangul, Hindi with its vowel signs), composed first (NFC), so
    a decomposed accent does not cut a word in two. An apostrophe inside a word is kept, typed straight or
    curly (``dog’s`` and ``dog's`` are one word: the curly one cut it into ``dog`` and ``s``); quotes around
    a word are dropped (``'red'`` was a word of its own, beside ``red``). Chinese and Japanese, written
    without spaces, are read a character a word (``一只狗`` is ``一 只 狗``), their half- and full-width
    forms as the usual ones (``ﾄﾞｯｸﾞ`` as ``ドッグ``, ``ｄｏｇ`` as ``dog``), as are the Latin ligatures of
    text copied from a PDF (``ﬁsh`` as ``fish``). Thai, Lao, Khmer and Burmese, also written without
    spaces, are not: their characters are not words, and their words need a dictionary to find
    (docs/caption.md says to give them spaces between words)."""
    text = text.translate(_READ_AS)
    if not text.isascii():
        text = _WIDTH.sub(lambda width: unicodedata.normalize("NFKC", width.group()), text)
    text = unicodedata.normalize("NFC", text).lower()
    return (_ASCII_WORD if text.isascii() else _word_pattern()).findall(text)  # the same words, faster


_CJK_START = re.compile(f"[{_CJK}]")


def caption_text(words: Sequence[str]) -> str:
    """``words`` written as a caption: spaces between words, but none between two Chinese characters or
    kana (``一只狗``, ``一只 dog``), as those scripts are written; the inverse of :func:`tokenize`, whose
    words they are. Why: a Chinese model's captions were printed a character and a space at a time. A comma
    beside them is written so too (``一只狗,在跑``): tokenize reads ``，`` and ``、`` as the comma."""

    def tight(word: str) -> bool:
        return bool(_CJK_START.match(word)) or word == ","

    text = ""
    for before, word in zip(["", *words], words, strict=False):
        text += "" if not text or (tight(before) and tight(word)) else " "
        text += word
    return text


@dataclass
class ImageRecord:
    """One image and its reference captions (token lists); ``scene``: the drawn shapes of a
    generated shapes dataset (the ``shapes`` field of its Karpathy JSON), None otherwise; ``digits``:
    the number written in a generated digits image (its ``digits`` field), None otherwise."""

    image: Path
    captions: list[list[str]]
    split: str
    image_id: str
    scene: list[dict] | None = None
    digits: str | None = None


@dataclass
class CaptionData:
    """Records plus the counts of what was dropped on reading."""

    records: list[ImageRecord]
    source: str
    missing_images: int = 0
    empty_captions: int = 0
    unlisted_captions: int = 0  # COCO: captions of an image id the file's images list lacks
    first_missing: Path | None = None  # one image looked for and not found, to show where
    extra: dict = field(default_factory=dict)

    def split(self, name: str) -> list[ImageRecord]:
        return [r for r in self.records if r.split == name]

    def image_folders(self) -> set[Path]:
        """The folders the images lie in: inputs, which no output of a command may be written into
        (a captions file names them, so they are known only once it is read)."""
        return {r.image.parent for r in self.records}

    def summary(self) -> str:
        """One line for the log: sizes per split and what was dropped."""
        sizes: dict[str, int] = {}
        for r in self.records:
            sizes[r.split] = sizes.get(r.split, 0) + 1
        parts = ", ".join(f"{k} {v}" for k, v in sorted(sizes.items()))
        unlisted = (
            f", {self.unlisted_captions} caption(s) of unlisted image ids" if self.unlisted_captions else ""
        )
        kept = sum(len(r.captions) for r in self.records)
        most_missing = (
            f"; most images are missing (looked for {self.first_missing}{_where_hint(self.first_missing)}): "
            "is --images the folder that holds them?"
            if self.missing_images > kept and self.first_missing is not None
            else ""
        )
        # one path looked for, so a missing image can be found: "dropped: 1 caption(s) of missing images" of
        # a file of thousands named none (when most are missing, the end of the line names one instead)
        where = (
            f" (looked for {self.first_missing}{_where_hint(self.first_missing)})"
            if self.first_missing is not None and not most_missing
            else ""
        )
        return (
            f"{self.source}: {len(self.records)} images ({parts}); dropped: {self.missing_images} caption(s) of "
            f"missing images{where}, {self.empty_captions} empty caption(s){unlisted}{most_missing}"
        )


def _read_json(path: Path) -> object:
    """Parse with limits on depth and number size; the readers then check it against their schema
    (dataset_schema.py), so a malformed file is one line, never a traceback."""
    if not path.is_file():
        raise RnnkitError(f"captions file not found: {path}")
    _refuse_no_text(path, _head(path))
    return read_json(path)  # a byte-order mark (Windows Notepad) is read there: UTF-8's, UTF-16's


HEAD_BYTES = 4096  # what the format guess and the checks before it read of a file


def _head(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(HEAD_BYTES)


def _refuse_empty(path: Path) -> None:
    """One line for a captions file with nothing in it (0 bytes, a byte-order mark, blank lines: a download
    that failed, a file emptied by ``>``), as translate says of an empty corpus and ``--config`` of an
    empty settings file: it was "unknown captions format", or with ``--format`` "not valid JSON
    (Expecting value at line 1)" and "no image with a caption in it", which sent the user after formats.
    A missing file or one that is no text is left to the readers' own words."""
    if not path.is_file():
        return
    head = _head(path)
    try:
        blank = len(head) < HEAD_BYTES and not decode(head).strip()
    except UnicodeDecodeError:
        return
    if blank:
        raise RnnkitError(
            f"{path} is empty: a captions file holds Karpathy JSON, COCO JSON, Flickr8k tokens "
            "(NAME.jpg#k<TAB>caption) or Kaggle's captions.txt (image,caption)"
        )


def _refuse_no_text(path: Path, data: bytes) -> None:
    """Refuse, in translate's words for a corpus, a captions file whose bytes ``data`` (all, or the first
    few KiB) are no text: a ``.gz`` or ``.zip`` download, UTF-16 without its mark, a PDF, a picture. They
    were "unknown captions format" (the format guess found no text to know), or, with ``--format``, "not
    UTF-8 text (byte 0x8b)" and "expected 'NAME.jpg#k<TAB>caption'", none saying why."""
    refuse_no_text(data, path, "captions file", "captions.txt")


def _read_text(path: Path) -> str:
    """A text file (Flickr8k's tokens, Kaggle's captions.txt, a split list): UTF-8, or UTF-16 or UTF-32
    after its byte-order mark (Windows PowerShell's ``Out-File``, Notepad's "Unicode"), as translate
    reads a corpus. A byte-order mark is no part of the first name. Bytes that are not text in it are an
    error naming their line, as translate names a corpus's: "captions.txt is not UTF-8 text" of a file of
    40,000 captions (Excel's "CSV (Comma delimited)" saves a Western Windows code page, where one ``café``
    is enough) left the caption to be found by hand."""
    data = path.read_bytes()
    _refuse_no_text(path, data)
    try:
        return decode(data)
    except UnicodeDecodeError as exc:
        bad = bad_byte(data, exc)  # after UTF-8's byte-order mark too
        raise RnnkitError(
            f"{path}:{bad.line}: not {text_encoding(data) or 'UTF-8'} text (byte 0x{bad.value:02x}): save the "
            "file as UTF-8 (Excel: Save As 'CSV UTF-8')"
        ) from None


def _key(image: Path) -> str:
    """An image path in one Unicode form (NFC), to look it up whichever form was found on disk."""
    return unicodedata.normalize("NFC", str(image))


def _on_disk(image: Path, listings: dict[Path, dict[str, list[str]]] | None = None) -> Path | None:
    """``image``, or the same name composed or decomposed (macOS writes Hangul and accented names
    decomposed, NFD; a captions file usually holds them composed), or, where the path holds
    backslashes, the same with slashes (a captions file written on Windows: ``"filepath": "photos\\2019"``,
    ``sub\\a.jpg#0``), or else the one file of its folder whose name differs from it only in case
    (:func:`_other_case`; ``listings``: the folders listed so far), or None when none is a file. A name
    holding a backslash is looked for as it is first."""
    paths = [image]
    if "\\" in str(image):
        paths.append(Path(str(image).replace("\\", "/")))
    for path in paths:
        for form in (None, "NFC", "NFD"):
            candidate = path if form is None else path.with_name(unicodedata.normalize(form, path.name))
            if candidate.is_file():
                return candidate
    for path in paths:
        found = _other_case(path, {} if listings is None else listings)
        if found is not None:
            return found
    return None


def _other_case(path: Path, listings: dict[Path, dict[str, list[str]]]) -> Path | None:
    """The one file in ``path``'s folder whose name differs from ``path``'s only in case (or Unicode form).

    Why: Windows and macOS ignore case in file names, so a captions file written there may name
    ``IMG_0001.JPG`` for ``img_0001.jpg`` (or ``dog.jpg`` for a camera's ``DOG.JPG``): read there, it was a
    missing image here, and a whole data set of them "no usable image". Two files of that name in two
    cases: None, as which one is meant is not known. Each folder is listed once (``listings``)."""
    folder = path.parent
    if folder not in listings:
        index: dict[str, list[str]] = {}
        try:
            names = os.listdir(folder)
        except OSError:  # no such folder, or not one: the image is missing
            names = []
        for name in names:
            index.setdefault(_folded(name), []).append(name)
        listings[folder] = index
    matches = listings[folder].get(_folded(path.name), [])
    if len(matches) == 1 and (folder / matches[0]).is_file():
        return folder / matches[0]
    return None


def _folded(name: str) -> str:
    """``name`` as a disk that ignores case compares it (composed, case folded)."""
    return unicodedata.normalize("NFC", name).casefold()


_DRIVE = re.compile(r"(?:^|[\\/])[A-Za-z]:[\\/]")  # C:\ or C:/ at the start of a path, or of a part


def _where_hint(image: Path | None) -> str:
    """``", for one"`` after a path looked for, and why it cannot be found where it holds a Windows drive
    (``C:\\Users\\...``: no such path exists here)."""
    if image is not None and _DRIVE.search(str(image)):
        return (
            ", for one: a Windows path with a drive letter, which names no file here; write the image "
            "paths relative to the image folder"
        )
    return ", for one"


def _finish(groups: Iterable[tuple[Path, list[list[str]], str, str, int]], source: str) -> CaptionData:
    """Drop missing images and empty captions, counting both; merge the captions of an image listed
    twice in one split; groups are (image, captions, split, id, empties).

    Raises:
        RnnkitError: an image listed in two splits, no usable image, or no image with a caption at all.
    """
    records: dict[Path, ImageRecord] = {}
    missing, empty, first_missing = 0, 0, None
    listings: dict[Path, dict[str, list[str]]] = {}  # the folders listed to find a name in another case
    for image, caps, split, image_id, empties in groups:
        empty += empties
        found = _on_disk(image, listings)
        if found is None:
            missing += len(caps) + empties
            first_missing = first_missing or image
            continue
        if not caps:
            continue
        if found in records:
            earlier = records[found]
            if earlier.split != split:
                raise RnnkitError(
                    f"{source}: image {found.name} is listed twice, in split {earlier.split!r} and in "
                    f"{split!r}; an image belongs to one split (else a test image is trained on)"
                )
            earlier.captions.extend(caps)
            continue
        records[found] = ImageRecord(found, caps, split, image_id)
    if not records and not missing and not empty:  # it said "0 caption(s) point to missing images, 0 empty"
        raise RnnkitError(f"{source}: no image with a caption in it (the file lists none)")
    if not records:
        where = (
            f"; looked for {first_missing}{_where_hint(first_missing)}" if first_missing is not None else ""
        )
        raise RnnkitError(
            f"{source}: no usable image ({missing} caption(s) point to missing images, {empty} empty{where})"
        )
    return CaptionData(list(records.values()), source, missing, empty, first_missing=first_missing)


SPLIT_NAMES = {
    "restval": "train",
    "training": "train",
    "validation": "val",
    "valid": "val",
    "dev": "val",
    "testing": "test",
}


def split_name(name: str) -> str:
    """The split a Karpathy entry names, in rnnkit's words: ``restval`` and ``training`` are ``train``;
    ``validation``, ``valid`` and ``dev`` (as other tools write it) are ``val``, which training validates
    on; ``testing`` is ``test``; case ignored. Other names (``test``, ``test_heldout``) stay as they are."""
    name = name.strip().lower()
    return SPLIT_NAMES.get(name, name)


HELD_OUT_SHARE = 20  # without a val split, 1 training image in 20 (5%) is held out to validate on
MIN_HELD_OUT = 5  # ... and at least this many where the data allows (at most 1 in 5 of its images)


def held_out_count(n_train: int) -> int:
    """How many of ``n_train`` training images are held out for validation when the data has no
    ``val`` split: 5%, as always for 100 images or more (the generated data sets and the demo keep
    their split to the image), but at least 5, at most 1 in 5 of them (at least 2 from 6 images).

    Why the floor: CIDEr-D weighs each word by how few of the split's images use it, so on one image
    every word weighs 0 and any caption scores 0; 5% of the 20 to 40 images people first bring was
    that one image, and the epoch kept was chosen on nothing. A handful of images gives the words
    weight and the epochs something to differ on; the cap keeps most of a small set for training.
    """
    if n_train < 2:
        return 0  # nothing to hold out: one image cannot both train and validate
    floor = min(MIN_HELD_OUT, max(n_train // 5, 2 if n_train >= 6 else 1))
    return max(n_train // HELD_OUT_SHARE, floor)


GENERATION_FILE = ".generation"
"""In a generated data set's ``images/``: the token its ``dataset.json`` names as ``generation``."""


def read_karpathy(path: str | Path, image_root: str | Path | None = None) -> CaptionData:
    """Read Karpathy split JSON; images are under ``image_root`` (default: the JSON's folder)."""
    path = Path(path)
    data = _read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("images"), list):
        raise RnnkitError(f"{path} is not Karpathy split JSON: no 'images' list")
    data = validate(data, KARPATHY, str(path))
    root = Path(image_root) if image_root is not None else path.parent
    _same_generation(path, data, root)
    groups = []
    scenes: dict[str, list[dict]] = {}  # by _key: the file found may be the name's other Unicode form
    numbers: dict[str, str] = {}
    for k, item in enumerate(data["images"]):  # each a dict with filename and sentences (KARPATHY)
        caps, empties = [], 0
        for s in item["sentences"]:
            # a token of no word ("" or " ": a script's raw.split(" ") of a double space) would be a word of
            # the vocabulary, and captions of two spaces in a row; a token's spaces around it are no part of it
            tokens = [t.strip().lower() for t in s.get("tokens", []) if t.strip()] or tokenize(
                s.get("raw", "")
            )
            if tokens:
                caps.append(tokens)
            else:
                empties += 1
        split = split_name(item.get("split", "train"))
        image = root / item.get("filepath", "") / item["filename"]
        groups.append((image, caps, split, str(item.get("cocoid", item.get("imgid", k))), empties))
        if isinstance(item.get("shapes"), list):
            scenes[_key(image)] = item["shapes"]
        if isinstance(item.get("digits"), str) and item["digits"].isdigit():
            numbers[_key(image)] = item["digits"]
    result = _finish(groups, path.name)
    for record in result.records:
        record.scene = scenes.get(_key(record.image))
        record.digits = numbers.get(_key(record.image))
    return result


def _same_generation(path: Path, data: dict, root: Path) -> None:
    """A generated ``dataset.json`` and the ``images/`` beside it must come from the same run.

    Why: ``generate-data`` moves ``images/`` into place before ``dataset.json`` (so the captions never
    name an image not there yet); a run killed between the two leaves new images under the old
    captions, and the same file names (``train_00000.png``) would pair every image with another
    scene's captions without a word. Each run writes one token into both; a file without one (any
    other data set) is not checked.
    """
    token = data.get("generation")
    if token is None:
        return
    for folder in sorted({root / str(item.get("filepath", "")) for item in data["images"]}):
        try:
            found = (folder / GENERATION_FILE).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            found = None
        if found != token:
            raise RnnkitError(
                f"{path.name} and {folder} are not from the same run of generate-data (a run stopped "
                "between writing the two, or images from elsewhere); run generate-data again"
            )


def write_generated(folder: Path, entries: Sequence[dict], dataset: str, *made_of: object) -> Path:
    """A generated data set's ``dataset.json`` (images under ``images/``) and its run token, both in
    ``folder``; ``made_of``: the settings that change its pixels (see :func:`write_generation`)."""
    token = write_generation(folder, entries, *made_of)
    return write_karpathy(folder / "dataset.json", entries, dataset, filepath="images", generation=token)


def write_generation(folder: Path, *made_of: object) -> str:
    """The run's token, written to ``folder/images/.generation``; returns it for ``dataset.json``.

    The token is a hash of what the run was made of (its entries and settings, JSON-able): two runs
    that write the same data set write the same token (a data set stays a function of its seed, byte
    for byte), and runs whose images differ write different ones.
    """
    import hashlib

    token = hashlib.sha256(json.dumps(made_of, sort_keys=True).encode()).hexdigest()[:32]
    (folder / "images" / GENERATION_FILE).write_text(token + "\n", encoding="utf-8")
    return token


def write_karpathy(
    path: str | Path,
    entries: Sequence[dict],
    dataset: str = "custom",
    filepath: str = "",
    generation: str | None = None,
) -> Path:
    """Write Karpathy split JSON (atomically).

    Args:
        entries: dicts with ``filename``, ``split``, ``captions`` (strings) and optionally ``imgid``
            and extra keys (kept as they are).
        filepath: folder of the images relative to the JSON's folder.
        generation: a generated data set's token, also written to ``filepath/.generation`` by the
            caller: :func:`read_karpathy` refuses the two when they differ.
    """
    from rnnkit.utils.atomic import write_text_atomic

    images, sentid = [], 0
    for k, e in enumerate(entries):
        imgid = e.get("imgid", k)
        sentences = []
        for text in e["captions"]:
            sentences.append({"tokens": text.split(), "raw": text, "imgid": imgid, "sentid": sentid})
            sentid += 1
        extra = {key: v for key, v in e.items() if key not in ("filename", "split", "captions", "imgid")}
        images.append(
            {
                "filepath": filepath,
                "filename": e["filename"],
                "imgid": imgid,
                "split": e["split"],
                "sentences": sentences,
                "sentids": [s["sentid"] for s in sentences],
                **extra,
            }
        )
    doc = {"dataset": dataset, "images": images, **({"generation": generation} if generation else {})}
    return write_text_atomic(path, json.dumps(doc) + "\n")


def read_coco(path: str | Path, image_dir: str | Path, split: str = "train") -> CaptionData:
    """Read COCO captions JSON; images are ``image_dir/file_name``."""
    path = Path(path)
    data = _read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("annotations"), list):
        raise RnnkitError(f"{path} is not COCO captions JSON: no 'annotations' list")
    data = validate(data, COCO, str(path))
    # ids by their text: one tool writes 42 in "images" and "42" in "annotations" (every caption was
    # "of an unlisted image id" and the file refused); 42 and "42" listed as two files is an error below
    names: dict[str, str] = {}
    for img in data.get("images", []):
        key = str(img.get("id"))
        if "id" in img and names.setdefault(key, img["file_name"]) != img["file_name"]:
            raise RnnkitError(
                f"{path}: image id {img['id']!r} is listed twice, as {names[key]!r} and "
                f"{img['file_name']!r}; its captions could be of either"
            )
    caps: dict[str, list[list[str]]] = {}
    empties: dict[str, int] = {}
    unlisted = 0
    for ann in data["annotations"]:
        image_id = str(ann["image_id"]) if "image_id" in ann else None
        if image_id not in names:
            unlisted += 1  # a caption of an image the file does not list: counted apart
            continue
        tokens = tokenize(str(ann.get("caption", "")))
        if tokens:
            caps.setdefault(image_id, []).append(tokens)
        else:
            empties[image_id] = empties.get(image_id, 0) + 1
    image_dir = Path(image_dir)
    groups = [
        (image_dir / names[i], caps.get(i, []), split, str(i), empties.get(i, 0))
        for i in names
        if i in caps or i in empties
    ]
    if unlisted and not groups:
        raise RnnkitError(
            f"{path}: none of the {unlisted} captions' image_id is in the file's 'images' list "
            "(captions and images from two different files?)"
        )
    result = _finish(groups, path.name)
    result.unlisted_captions = unlisted
    return result


def read_flickr8k(path: str | Path, image_dir: str | Path) -> CaptionData:
    """Read the Flickr8k token file; split lists beside it are used when present."""
    path = Path(path)
    if not path.is_file():
        raise RnnkitError(f"captions file not found: {path}")
    lines = split_lines(_read_text(path))  # a form feed, NEL or U+2028 in a caption stays in its line
    caps: dict[str, list[list[str]]] = {}
    empties: dict[str, int] = {}
    for name, text in _flickr_rows(lines, path):
        tokens = tokenize(text)
        caps.setdefault(name, [])
        if tokens:
            caps[name].append(tokens)
        else:
            empties[name] = empties.get(name, 0) + 1
    splits: dict[str, str] = {}
    for split, stem in (("train", "train"), ("val", "dev"), ("test", "test")):
        listing = path.parent / f"Flickr_8k.{stem}Images.txt"
        if listing.is_file():
            names = split_lines(_read_text(listing))  # one name a line: a name may hold spaces
            for name in filter(None, (n.strip() for n in names)):
                # by _key: a list written on a Mac (ls > list.txt) may hold a name decomposed (NFD) that the
                # token file holds composed; such an image was trained on as 'train', not kept for its split
                key = _key(Path(name))
                if splits.setdefault(key, split) != split:  # the later list won without a word
                    raise RnnkitError(
                        f"{listing.name}: image {name} is also in the {splits[key]!r} list; an image "
                        "belongs to one split (else a test image is trained on, or scored as unseen)"
                    )
    image_dir = Path(image_dir)
    groups = [
        (image_dir / n, c, splits.get(_key(Path(n)), "train"), n, empties.get(n, 0)) for n, c in caps.items()
    ]
    return _finish(groups, path.name)


KAGGLE_HEADER = "image,caption"  # the first line of the Kaggle copy of Flickr8k, captions.txt


# what may stand between the two columns: a comma; a semicolon, as Excel saves CSV where a comma is the
# decimal point (German, French, ... Windows: "image;caption" was of no known format, and Excel there
# offers no CSV with commas); a tab, as a TSV holds them
KAGGLE_DELIMITERS = (",", ";", "\t")


def _kaggle_delimiter(line: str) -> str | None:
    """The delimiter of an ``image,caption`` header (``image;caption``, ``image<TAB>caption``), quoted or
    not (R's ``write.csv`` quotes every field), or None when ``line`` is no such header."""
    for delimiter in KAGGLE_DELIMITERS:
        if [field.strip().lower() for field in _csv_fields(line, delimiter)] == KAGGLE_HEADER.split(","):
            return delimiter
    return None


def _csv_fields(line: str, delimiter: str = ",") -> list[str]:
    """The fields of one CSV line (quoted ones unquoted, ``""`` read as ``"``), or [] when it is none."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:  # a NUL byte, and the like: not a line of this format
        return []


def _flickr_rows(lines: list[str], path: Path) -> Iterable[tuple[str, str]]:
    """(image name, caption) of each line: ``NAME.jpg#k<TAB>caption`` (the token file), or, after an
    ``image,caption`` first line, ``NAME.jpg,caption`` (the Kaggle copy, captions.txt; the caption may
    hold commas, and may be quoted)."""
    first = next((n for n, line in enumerate(lines, 1) if line.strip()), 0)  # blank lines skipped, as
    delimiter = _kaggle_delimiter(lines[first - 1]) if first > 0 else None  # detect_format skips them
    if delimiter is not None:
        yield from _kaggle_rows(lines, first, path, delimiter)
        return
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        key, tab, text = line.partition("\t")
        if not tab or "#" not in key:
            raise RnnkitError(f"{path}:{number}: expected 'NAME.jpg#k<TAB>caption'")
        yield key.rsplit("#", 1)[0], text


_END_OF_FILE = "\x00rnnkit: end of the captions file\x00"  # a last row no file holds (see _kaggle_rows)


def _kaggle_rows(lines: list[str], header: int, path: Path, delimiter: str) -> Iterable[tuple[str, str]]:
    """(image name, caption) of each CSV record after the header on line ``header``, its fields
    separated by ``delimiter`` (the header's).

    Read as CSV, records not lines: a name holding a comma is quoted (``"a, b.jpg"``), as pandas and R
    write it, and so is a caption holding a line break (typed with Alt+Enter in a spreadsheet cell), whose
    record then spans lines. Read a line at a time, such a caption was cut at its line break and its next
    line read as a record of its own: the caption's words after a comma there were an image name, counted
    as a missing image, and the caption was trained on cut short without a word. A caption's unquoted
    commas split it into more fields, joined back; on one line, a quote closed before the field ends
    (``"Stop" says the sign``) is kept as before. A record of several lines must be strict CSV: a quote
    opened by mistake (``a.jpg,"A dog`` never closed) takes the lines after it, other images' records, into
    its caption; it shows as a quote closed in the middle of a later line, or never closed (the row after
    the last, ``_END_OF_FILE``, is then inside it), or as a later line that reads as a record of its own,
    an image-suffixed name and the delimiter in a file whose names carry such suffixes (closed by a later
    caption's last quote, ``c.jpg,A TV screen of 50"``, it is valid CSV): an error naming the line it
    opened on. That last check needs the suffixes of all records' names, so it runs after the last record
    is read and before it is yielded: the records stream, not held in a list (a list of them all was 3.6
    times the peak memory on a 400,000-line file).
    """
    rows = [line + "\n" for line in lines[header:]]  # the line ends a quoted caption keeps, as spaces
    reader = csv.reader(chain(rows, [_END_OF_FILE + "\n"]), delimiter=delimiter)
    # what the check of records inside a caption needs, once all are read: the records of several lines
    # (first line, the line after), and the suffixes of the image names (a few, not every name: memory)
    spans: list[tuple[int, int]] = []
    suffixes: set[str] = set()
    held: tuple[str, str] | None = None  # the last record, yielded only after that check
    start = header + 1  # the line the next record starts on
    while True:
        try:
            fields = next(reader)
        except csv.Error as exc:  # a field longer than csv's limit (128 KiB): a quote never closed, likely
            raise RnnkitError(
                f"{path}:{start}: the record starting on this line cannot be read as CSV ({exc}); "
                'a quote (") opened by mistake and never closed?'
            ) from None
        number, start = start, header + reader.line_num + 1
        if fields == [_END_OF_FILE]:
            break
        if any(_END_OF_FILE in f for f in fields):
            raise RnnkitError(f"{path}:{number}: {_unclosed('it is never closed')}")
        if start - number > 1:  # a record of several lines
            try:
                record = rows[number - header - 1 : start - header - 1]
                next(csv.reader(record, delimiter=delimiter, strict=True))
            except csv.Error as exc:
                raise RnnkitError(f"{path}:{number}: {_unclosed(exc)}") from None
            spans.append((number, start))
        if len(fields) < 2 and not "".join(fields).strip():  # a blank line (of spaces, or none)
            continue
        if len(fields) < 2 or not fields[0].strip():
            shape, starts = f"NAME.jpg{delimiter}caption", KAGGLE_HEADER.replace(",", delimiter)
            raise RnnkitError(f"{path}:{number}: expected {shape!r} (the file starts {starts!r})")
        if held is not None:
            yield held
        held = fields[0].strip(), delimiter.join(fields[1:])
        suffixes.add(os.path.splitext(held[0])[1].lower())  # Path(...).suffix: 2.6 times the time
    if spans:
        from rnnkit.caption.images import image_suffixes  # Pillow's table: read only for such a file

        if suffixes & image_suffixes():  # the file names its images by file name, suffix and all
            for number, end in spans:
                _refuse_records_inside(rows[number - header - 1 : end - header - 1], number, path, delimiter)
    if held is not None:
        yield held


def _refuse_records_inside(record: list[str], number: int, path: Path, delimiter: str) -> None:
    """Refuse a record of several lines, starting on line ``number``, when a line after its first reads
    as a record of its own: ``NAME<delimiter>`` where NAME has an image suffix (``.jpg``). Called only
    for a file whose records name their images with such suffixes.

    Why: strict CSV is not enough. A quote opened by mistake (``a.jpg,"Welcome home says the banner``)
    closed by a later caption's last quote (``c.jpg,A TV screen of 50"``) is valid CSV: the captions in
    between were taken into the first, their images neither trained on nor counted as missing. A caption's
    own line break (Alt+Enter in a spreadsheet cell) leaves words, not an image name, at a line's start;
    a name without a suffix is no sign of a record, even another record's: in a file naming its images
    ``1``, ``2``, ``3``, a scoreboard's caption may go on ``3, 2 and a clock``.
    """
    from rnnkit.caption.images import image_suffixes

    for offset, line in enumerate(record[1:], 1):
        fields = _csv_fields(line, delimiter)
        name = fields[0].strip() if len(fields) > 1 else ""
        if name and Path(name).suffix.lower() in image_suffixes():
            raise RnnkitError(
                f'{path}:{number}: a quote (") opens a field on this line and takes the lines after it, '
                f"to line {number + len(record) - 1}, into its caption, among them line {number + offset}, "
                f"a record of its own for {name!r}; a quote opened by mistake? Close it, or write a quote "
                'inside a quoted field as ""'
            )


def _unclosed(why: object) -> str:
    """The error of a quote that takes more than its own caption: what csv says, and what to do."""
    return (
        f'a quote (") opens a field on this line and the lines after it cannot be read as CSV ({why}); '
        'a quote opened by mistake? Close it, or write a quote inside a quoted field as ""'
    )


def detect_format(path: str | Path) -> str:
    """``karpathy``, ``coco`` or ``flickr8k`` from the file's content."""
    path = Path(path)
    if not path.is_file():
        raise RnnkitError(f"captions file not found: {path}")
    head = _head(path)
    _refuse_no_text(path, head)
    marked = text_encoding(head)
    if marked:  # UTF-16 or UTF-32 (PowerShell's Out-File): its first bytes as UTF-8, for the tests below
        head = head.decode(marked.lower(), errors="ignore").encode("utf-8")  # a character cut off: dropped
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"{"):
        data = _read_json(path)
        if isinstance(data, dict) and isinstance(data.get("annotations"), list):
            return "coco"
        if isinstance(data, dict) and isinstance(data.get("images"), list):
            return "karpathy"
        raise RnnkitError(f"{path}: JSON that is neither Karpathy split JSON nor COCO captions JSON")
    # a line ends at \r too (Excel for Mac's "CSV (Macintosh)", an old Mac file), as the readers split it:
    # split at \n alone, such a file's first line was the whole head and its Kaggle header not seen
    first = re.split(rb"\r\n|\n|\r", head, maxsplit=1)[0]
    if b"\t" in first and b"#" in first.split(b"\t")[0]:
        return "flickr8k"
    if _kaggle_delimiter(first.decode("utf-8", "replace")) is not None:
        return "flickr8k"
    raise RnnkitError(
        f"{path}: unknown captions format; known: Karpathy JSON, COCO JSON, Flickr8k tokens "
        "(NAME.jpg#k<TAB>caption, or Kaggle's captions.txt: image,caption)"
    )


# the picture folders of the downloads beside their captions file: Kaggle's Flickr8k (captions.txt and
# Images/), the official Flickr8k zip (Flicker8k_Dataset/, sic, beside Flickr8k.token.txt), COCO's 2014 and
# 2017 zips; COCO's own layout puts the captions in annotations/, its picture folders one level up
COCO_FOLDERS = ("train2014", "val2014", "train2017", "val2017")
PICTURE_FOLDERS = ("Images", "images", "Flicker8k_Dataset", "Flickr8k_Dataset", *COCO_FOLDERS)


def _images_hint(path: Path) -> str:
    """``: did you mean --images DIR?`` when a download's picture folder lies beside the captions file at
    ``path``, else a word on what --images is: the bare 'is needed' left a user of Kaggle's captions.txt,
    whose Images/ lay beside it, to find the option's meaning in the docs. A COCO folder may lie one level
    up from a file in annotations/ (COCO's annotations/captions_val2017.json beside val2017/); nothing
    else is looked for there (a project's images/ beside the folder of a Flickr8k captions.txt is not its
    pictures). The one the file's name names comes first (captions_val2014.json: val2014/, not train2014/)."""
    import os

    folder = path.parent
    found = [folder / name for name in PICTURE_FOLDERS if (folder / name).is_dir()]
    if Path(os.path.abspath(folder)).name.lower() == "annotations":
        up = folder / ".." if folder.name in ("", "..") else folder.parent  # ../val2017 from inside it
        found += [up / name for name in COCO_FOLDERS if (up / name).is_dir()]
    named = [place for place in found if place.name.lower() in path.name.lower()]
    if found:
        return f"; did you mean --images {(named or found)[0]}?"
    return ": give the folder that holds its pictures (--images DIR)"


def load_captions(
    path: str | Path, images: str | Path | None = None, fmt: str = "auto", split: str = "train"
) -> CaptionData:
    """Read any supported format; ``images`` is the image folder (default: beside the file). Either may
    start with ``~`` (the home folder, as a shell reads it)."""
    path = Path(expand_user(path))
    images = None if images is None else Path(expand_user(images))
    if fmt not in FORMATS:
        raise RnnkitError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    _refuse_empty(path)
    if fmt == "auto":
        fmt = detect_format(path)
    if fmt == "karpathy":
        return read_karpathy(path, images)
    if images is None:
        raise RnnkitError(f"--images (the image folder) is needed for the {fmt} format{_images_hint(path)}")
    if fmt == "coco":
        return read_coco(path, images, split)
    return read_flickr8k(path, images)
