"""Readers for the parallel-corpus formats users bring, with every skipped line counted.

Formats (``fmt``):

- ``anki``: Anki/Tatoeba ``eng<TAB>other<TAB>attribution`` (the attribution is optional; lines starting
  with ``#`` are comments), or Tatoeba's sentence-pairs download ``id<TAB>eng<TAB>id<TAB>other``.
  English is column 1, so one of the two languages must be ``en``, unless a header line names the
  columns (``korean<TAB>english``: read in that order; a header that only repeats the usual order is
  skipped too). Anki's own export is read as its ``#`` lines say (:mod:`.corpus_text`). The bundled
  corpus ``data/en_ko.tsv`` is in this format.
- ``moses``: two line-aligned files (``src_file``, ``tgt_file``); differing line counts are an error.
- ``tsv`` / ``csv``: a header row naming the columns; ``src_col``/``tgt_col`` default to the language
  codes (``en``, ``ko``). TSV is a line per record (a field wholly in double quotes loses them), CSV
  follows csv quoting.
- ``jsonl``: one JSON object per line with the same keys, at the top or under ``"translation"`` (as
  Hugging Face ``datasets`` writes translation pairs: ``{"translation": {"en": .., "ko": ..}}``); a
  file that is one JSON array of such objects is read too, its records named by number.
- ``auto``: chosen from the file suffix (``.jsonl``/``.json`` → jsonl, ``.csv`` → csv, ``.tsv``/``.txt``
  → tsv when the first data line is a header naming both columns among others (``id<TAB>Korean<TAB>English``)
  or by their codes, or when a column is named with ``src_col``/``tgt_col``, which only a table has;
  anki otherwise). A named column is matched as a default one is (:func:`~.corpus_text.find_column`).

Empty and malformed lines are never dropped silently: :class:`ReadReport` counts them and keeps the
first few line numbers with the reason, and the command line prints its summary. Malformed too: a
side holding a control character (NUL, escape ...: never text), and, when one language is Korean, a
line with Hangul on the other side and none on the Korean side (the columns the other way round); a
file where that is most lines is refused, with the way to say its order.

Encodings, line ends and the cleaning of each sentence: :mod:`~rnnkit.translate.corpus_text`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rnnkit.translate.corpus_records import (
    COMMENT,
    EMPTY,
    HEADER,
    MALFORMED,
    PAIR,
    Record,
    anki_records,
    json_records,
    moses_records,
    table_records,
)
from rnnkit.translate.corpus_text import (
    HANGUL,
    SWAPPED,
    file_lines,
    find_column,
    header_order,
    korean_side,
    read_text,
    sentence_pair,
)
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.wording import plural

FORMATS = ("auto", "anki", "moses", "tsv", "csv", "jsonl")
BUNDLED = Path(__file__).parent / "data" / "en_ko.tsv"
_EXAMPLES_KEPT = 5  # bad-line examples kept for the message

Pair = tuple[str, str]  # (source sentence, target sentence)


@functools.cache
def bundled_english() -> tuple[str, ...]:
    """The English sentences of the bundled corpus, read straight from the file, once (its tests keep it
    clean: no malformed line, no duplicate); for the statistics the translator reads a typed sentence
    with (:mod:`~rnnkit.translate.surface`, :mod:`~rnnkit.translate.names`), a fraction of
    :func:`read_corpus`'s cost."""
    lines = BUNDLED.read_text(encoding="utf-8").splitlines()
    return tuple(line.split("\t", 1)[0] for line in lines if line and not line.startswith("#"))


@dataclass
class ReadReport:
    """What a reader saw: lines, pairs kept, and every line it could not use, by kind."""

    source: str
    lines: int = 0
    pairs: int = 0
    comments: int = 0
    empty: int = 0
    malformed: int = 0
    swapped: int = 0  # of the malformed: Korean on the other language's side, none on its own
    examples: list[str] = field(default_factory=list)
    unit: str = "line"  # what ``lines`` counts: lines, or the records of a JSON array

    def bad(self, kind: str, line_no: int, why: str) -> None:
        """Count one unusable line (``kind`` is ``empty`` or ``malformed``)."""
        setattr(self, kind, getattr(self, kind) + 1)
        if len(self.examples) < _EXAMPLES_KEPT:
            self.examples.append(f"{self.unit} {line_no}: {why}")

    def summary(self) -> str:
        """One line for the user, e.g. ``read 120 pairs from x.tsv (125 lines: 3 comment, 1 empty, ...)``."""
        text = (
            f"read {plural(self.pairs, 'pair')} from {self.source} ({plural(self.lines, self.unit)}: "
            f"{self.comments} comment, {self.empty} empty, {self.malformed} malformed)"
        )
        if self.examples:
            text += "; skipped " + "; ".join(self.examples)
        return text


def _keep(
    report: ReadReport, pairs: list[Pair], line_no: int, src: str, tgt: str, ko_side: int | None
) -> None:
    """Add the cleaned pair, or count why the line cannot be used (:func:`.corpus_text.sentence_pair`)."""
    pair, why = sentence_pair(src, tgt, ko_side)
    if why is None:
        pairs.append(pair)
        return
    report.swapped += why == SWAPPED
    report.bad("malformed" if all(pair) else "empty", line_no, why)


def _collect(
    records: Iterable[Record], report: ReadReport, ko_side: int | None, header_is_comment: bool = False
) -> list[Pair]:
    """The pairs of ``records`` (:mod:`.corpus_records`), every record counted in ``report``; a header
    is counted with the comments (as check-corpus counts it), and an anki one named first in the summary."""
    pairs: list[Pair] = []
    for record in records:
        report.lines = record.last or record.no  # the file's lines (a record's last), not its records
        if record.kind == PAIR:
            _keep(report, pairs, record.no, *record.sides, ko_side)
        elif record.kind == HEADER:  # counted, so that the summary's kinds add up to its lines
            report.comments += 1
            if header_is_comment:  # an anki file's header is unexpected enough to name; a table's is not
                report.examples.insert(0, f"line {record.no}: a header ({record.why})")
        elif record.kind == COMMENT:
            report.comments += 1
        elif record.above_header:  # a blank line above a table's header: counted, never named (nothing
            report.empty += 1  # is lost there, and naming it pushed the real problems out of the examples)
        elif record.kind in (EMPTY, MALFORMED):
            report.bad(record.kind, record.no, record.why)
    report.pairs = len(pairs)
    return pairs


def read_anki(
    path: Path, src_lang: str = "en", tgt_lang: str = "ko", text: str | None = None
) -> tuple[list[Pair], ReadReport]:
    """``english<TAB>other[<TAB>attribution]`` per line; ``#`` lines are comments (an Anki export's
    directives among them say its layout); a first line of column names (``korean<TAB>english``) says
    the columns' order and is not a pair. ``text``: the file's text, when the caller has read it."""
    records = anki_records(path, read_text(path) if text is None else text, src_lang, tgt_lang)
    report = ReadReport(str(path))
    pairs = _collect(records, report, korean_side(src_lang, tgt_lang), header_is_comment=True)
    return pairs, report


def read_moses(
    src_file: Path, tgt_file: Path, src_lang: str = "en", tgt_lang: str = "ko"
) -> tuple[list[Pair], ReadReport]:
    """Two line-aligned files; line ``i`` of one translates line ``i`` of the other."""
    records = moses_records((src_file, read_text(src_file)), (tgt_file, read_text(tgt_file)))
    report = ReadReport(f"{src_file} + {tgt_file}")
    return _collect(records, report, korean_side(src_lang, tgt_lang)), report


def read_table(
    path: Path,
    src_col: str,
    tgt_col: str,
    delimiter: str,
    ko_side: int | None = None,
    text: str | None = None,
) -> tuple[list[Pair], ReadReport]:
    """TSV or CSV with a header row; ``src_col``/``tgt_col`` name the columns
    (:func:`.corpus_records.table_records`). ``text``: the file's text, when the caller has read it."""
    records = table_records(path, read_text(path) if text is None else text, src_col, tgt_col, delimiter)
    report = ReadReport(str(path))
    return _collect(records, report, ko_side), report


def read_jsonl(
    path: Path, src_col: str, tgt_col: str, ko_side: int | None = None
) -> tuple[list[Pair], ReadReport]:
    """One JSON object per line, e.g. ``{"en": "Hello.", "ko": "안녕하세요."}``, or with the pair under
    ``"translation"`` (Hugging Face ``datasets``); or a file that is one JSON array of such objects."""
    unit, records = json_records(read_text(path), src_col, tgt_col)
    report = ReadReport(str(path), unit=unit)
    return _collect(records, report, ko_side), report


def file_records(
    path: Path, fmt: str = "auto", src_lang: str = "en", tgt_lang: str = "ko",
    src_col: str | None = None, tgt_col: str | None = None,
) -> tuple[str, str, Iterator[Record]]:  # fmt: skip
    """The records of one corpus file as ``train`` reads it (any format but moses): the format (``auto``
    resolved), what a record is (``line``, or ``record`` for a JSON array's items) and the records."""
    if fmt not in FORMATS or fmt == "moses":
        known = ", ".join(f for f in FORMATS if f != "moses")
        raise RnnkitError(f"unknown corpus format {fmt!r} for one file; known: {known}")
    refuse_named_columns(fmt, src_col, tgt_col)
    named = named_columns(src_lang, tgt_lang, src_col, tgt_col)
    src_col, tgt_col = src_col or src_lang, tgt_col or tgt_lang
    text = None
    if fmt == "auto":
        fmt, text = detect_format(path, src_col, tgt_col, named)
    text = read_text(path) if text is None else text
    if fmt == "anki":
        return fmt, "line", anki_records(path, text, src_lang, tgt_lang)
    if fmt in ("tsv", "csv"):
        return fmt, "line", table_records(path, text, src_col, tgt_col, "\t" if fmt == "tsv" else ",")
    return (fmt, *json_records(text, src_col, tgt_col))


def named_columns(src_lang: str, tgt_lang: str, src_col: str | None, tgt_col: str | None) -> bool:
    """Whether ``--src-col``/``--tgt-col`` name a column other than the default, the language code: only
    then is a tab file a table by that alone (:func:`tab_format`). ``--src-col en --tgt-col ko`` says
    the default, and the bundled corpus (comments, then pairs) was refused with them."""
    return src_col not in (None, src_lang) or tgt_col not in (None, tgt_lang)


def refuse_named_columns(fmt: str, src_col: str | None, tgt_col: str | None) -> None:
    """Refuse ``--src-col``/``--tgt-col`` with a format that has no named columns (``anki``, ``moses``):
    only a table with a header row, or a JSON file's keys, has them. Left unsaid, the named columns were
    ignored and the file read by its fixed order, whatever the user meant by them.

    Raises:
        RnnkitError: a column named for an anki or Moses corpus.
    """
    named = [n for n, v in (("--src-col", src_col), ("--tgt-col", tgt_col)) if v is not None]
    if not named or fmt not in ("anki", "moses"):
        return
    it = "them" if len(named) > 1 else "it"
    what = (
        f"an anki file (--format anki) has no header row naming its columns: leave {it} out, or give "
        "--format tsv for a table with one"
        if fmt == "anki"
        else f"Moses files have none (line i of one translates line i of the other): leave {it} out"
    )
    cols = "name columns" if len(named) > 1 else "names a column"
    raise RnnkitError(f"{' and '.join(named)} {cols}, and {what}")


def detect_format(path: Path, src_col: str, tgt_col: str, named: bool = False) -> tuple[str, str | None]:
    """Guess the format from the suffix (and, for tab files, whether line 1 is a header: :func:`tab_format`,
    ``named`` as there). Returns it with the file's text when that had to be read to tell, so that the
    reader need not read it again."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json"):
        return "jsonl", None
    if suffix == ".csv":
        return "csv", None
    text = read_text(path)
    first = next((ln for ln in file_lines(text) if ln.strip() and not ln.startswith("#")), "")
    return tab_format(first, src_col, tgt_col, named), text


def tab_format(first: str, src_col: str, tgt_col: str, named: bool = False) -> str:
    """``tsv`` when a tab file's first data line is a header naming both columns (``en<TAB>ko``,
    ``id<TAB>Korean<TAB>English``), ``anki`` otherwise: pairs, or an anki header
    (``english<TAB>korean[<TAB>attribution]``), which the anki reader takes.

    ``named``: the user named a column (``--src-col``/``--tgt-col``), which only a table has: always
    ``tsv``, so that a name matching no column, or a file without a header row, is refused by the
    table reader in one line. Read as anki instead, ``--src-col English`` on ``id<TAB>korean<TAB>english``
    trained the ids into Korean."""
    if named:
        return "tsv"
    names = [f.strip() for f in first.split("\t")]
    if src_col in names and tgt_col in names:
        return "tsv"
    try:
        if header_order(names, src_col, tgt_col) is not None:
            return "anki"
    except RnnkitError:
        return "anki"  # a header naming other languages: the anki reader says so
    both = find_column(names, src_col) is not None and find_column(names, tgt_col) is not None
    return "tsv" if both else "anki"


def read_corpus(
    path: str | Path | None = None,
    fmt: str = "auto",
    src_lang: str = "en",
    tgt_lang: str = "ko",
    src_col: str | None = None,
    tgt_col: str | None = None,
    src_file: str | Path | None = None,
    tgt_file: str | Path | None = None,
) -> tuple[list[Pair], ReadReport]:
    """Read (source, target) pairs in any supported format; the bundled corpus when nothing is given.

    Raises:
        RnnkitError: unknown format, missing file or column, differing Moses line counts, or no pairs.
    """
    if src_lang == tgt_lang:
        raise RnnkitError(f"--src-lang and --tgt-lang are both {src_lang!r}")
    if fmt not in FORMATS:
        raise RnnkitError(f"unknown corpus format {fmt!r}; known: {', '.join(FORMATS)}")
    if src_file is not None or tgt_file is not None or fmt == "moses":
        if src_file is None or tgt_file is None:
            raise RnnkitError("moses corpora need both --src-file and --tgt-file")
        if path is not None:
            raise RnnkitError("give either --corpus or --src-file/--tgt-file, not both")
        fmt = "moses"
        refuse_named_columns(fmt, src_col, tgt_col)
        pairs, report = read_moses(Path(src_file), Path(tgt_file), src_lang, tgt_lang)
    else:
        path = Path(path) if path is not None else BUNDLED
        fmt, unit, records = file_records(path, fmt, src_lang, tgt_lang, src_col, tgt_col)
        report = ReadReport(str(path), unit=unit)
        pairs = _collect(records, report, korean_side(src_lang, tgt_lang), header_is_comment=fmt == "anki")
    if report.swapped > len(pairs):
        raise RnnkitError(swapped_message(report.source, report.swapped, len(pairs), fmt, src_lang, tgt_lang))
    ko_side = korean_side(src_lang, tgt_lang)
    refuse_no_korean(
        report.source, sum(lacks_korean(p, ko_side) for p in pairs), len(pairs), src_lang, tgt_lang
    )
    if not pairs:
        why = f"; {report.examples[0]}" if report.examples else ""
        raise RnnkitError(
            f"no usable sentence pairs in {report.source} ({plural(report.lines, report.unit)}{why})"
        )
    return pairs, report


def lacks_korean(pair: Pair, ko_side: int | None) -> bool:
    """Whether ``pair``'s Korean side (``ko_side``, :func:`~.corpus_text.korean_side`) is written in
    another language: letters, none of them Hangul, and not the other side copied through. A software
    localisation corpus keeps ``Wi-Fi``, ``USB``, ``PDF``, ``https://kde.org`` and ``2024`` as typed on
    both sides; counted, such pairs refused a real English-Korean corpus as "not en-ko"."""
    if ko_side is None:
        return False
    text = pair[ko_side]
    return (
        not HANGUL.search(text)
        and any(ch.isalpha() for ch in text)
        and text.strip().casefold() != pair[1 - ko_side].strip().casefold()
    )


def refuse_no_korean(source: str, without: int, pairs: int, src_lang: str, tgt_lang: str) -> None:
    """Refuse a corpus whose Korean side holds no Hangul on most of its ``pairs`` (``without``:
    :func:`lacks_korean`): another language pair read as English-Korean because --src-lang or --tgt-lang
    was left at its default. Tatoeba's ``fra.txt`` (``Go.<TAB>Va !``) trained a model labelled
    English-to-Korean on French, whose translations the Korean number check then judged, and said
    nothing. Read whole or streamed (``--stream``).

    Raises:
        RnnkitError: more than half of the pairs hold no Hangul on the Korean side.
    """
    if 2 * without <= pairs:
        return
    option = "--src-lang" if src_lang == "ko" else "--tgt-lang"
    raise RnnkitError(
        f"{source}: {without} of {plural(pairs, 'pair')} hold no Hangul on the ko side ({option} ko): "
        f"this corpus is not {src_lang}-{tgt_lang}; give its languages with --src-lang and --tgt-lang "
        "(e.g. --tgt-lang fr)"
    )


def swapped_message(source: str, swapped: int, pairs: int, fmt: str, src_lang: str, tgt_lang: str) -> str:
    """Why a file whose Korean is mostly on the other side (``swapped`` lines against ``pairs`` usable
    ones) is refused, and how to say its order; read whole or streamed (``--stream``)."""
    other = tgt_lang if src_lang == "ko" else src_lang
    how = {
        "anki": "anki files hold English first; start the file with a header line naming the columns "
        "(korean<TAB>english)",
        "moses": "swap --src-file and --tgt-file",
    }.get(fmt, "check --src-col and --tgt-col (a column or key named after one language holds the other)")
    return (
        f"{source}: {swapped} of {plural(swapped + pairs, 'pair')} {'holds' if swapped == 1 else 'hold'} "
        f"Hangul on the {other} side and none on the ko side: the languages are the other way round; {how}"
    )
