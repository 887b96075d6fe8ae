"""What a corpus file holds, record by record, in each format a user brings: the one parser of the files
``translate train`` reads whole and ``translate check-corpus`` checks.

A :class:`Record` is one line (a CSV record may span several; a JSON array's items are numbered) with
its two sentences as read, in (source, target) order, not yet cleaned, or why it holds none. The
consumers decide what a record is worth: :func:`~rnnkit.translate.corpus.read_corpus` keeps its pair or
counts why not (:func:`~rnnkit.translate.corpus_text.sentence_pair`); check-corpus names each problem by
the record's line. One parser, so a file check-corpus calls clean is the file train reads.

Formats: ``anki`` (tab-separated, ``#`` comments, an optional header naming the columns, Anki's export
directives), ``tsv``/``csv`` (a header row naming the columns), ``jsonl`` (JSON Lines, or one JSON
array); and ``moses``, two line-aligned files (:func:`moses_records`). Encodings and line ends: :mod:`~rnnkit.translate.corpus_text`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rnnkit.translate.corpus_text import (
    HANGUL,
    LANGUAGE_NAMES,
    Preamble,
    column_key,
    english_first,
    file_lines,
    find_column,
    id_first,
    korean_side,
    read_preamble,
    sentence_fields,
    unquote,
)
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.schema import parse_json
from rnnkit.utils.wording import plural

PAIR, COMMENT, HEADER, EMPTY, MALFORMED = "pair", "comment", "header", "empty", "malformed"


@dataclass(frozen=True)
class Record:
    """One record of a corpus file.

    Attributes:
        no: its first line (a JSON array's item: its number, from 1).
        kind: ``pair``, ``comment``, ``header`` (a line naming the columns), ``empty`` or ``malformed``.
        sides: (source, target) as read, for a ``pair``; None otherwise.
        why: for ``empty`` and ``malformed``, why it holds no pair; for a ``header``, its names.
        last: its last line (a CSV record holding a line break spans several), 0 when it is ``no``.
        verbatim: the sides are the file's text as typed, no format's quoting undone (a bare anki
            file): a spreadsheet's ``"quoted ""like"" this"`` field would be trained on, quotes and all.
        split_quote: a field opens a double quote that a later field closes (``"Hello,<TAB>friend."``):
            a quoted field holding a tab, which a tab file splits all the same, so the pair read is
            not the one meant. check-corpus names it; train reads the pair as it reads every line.
        above_header: an ``empty`` line above a table's header row (:func:`header_row`): train's read
            summary counts it, so that its kinds add up to its lines; check-corpus leaves it unnamed,
            as nothing is lost there.
    """

    no: int
    kind: str
    sides: tuple[str, str] | None = None
    why: str = ""
    last: int = 0
    verbatim: bool = False
    split_quote: bool = False
    above_header: bool = False


def anki_records(path: Path, text: str, src_lang: str, tgt_lang: str) -> Iterator[Record]:
    """``english<TAB>other[<TAB>attribution]`` per line (or Tatoeba's ``id<TAB>eng<TAB>id<TAB>other``);
    the lines before the first pair say the layout and the columns' order
    (:func:`~rnnkit.translate.corpus_text.read_preamble`). Reads the preamble now, so that its errors
    come before any record."""
    lines = file_lines(text)
    reader = AnkiLines(read_preamble(enumerate(lines, start=1), src_lang, tgt_lang, path), src_lang, tgt_lang)
    return (reader.record(no, line) for no, line in enumerate(lines, start=1))


class AnkiLines:
    """The record of each line of an anki file whose preamble has been read: the one reading of a line,
    whether the file is read whole or streamed from an offset (``--stream``)."""

    def __init__(self, head: Preamble, src_lang: str, tgt_lang: str) -> None:
        self.head = head
        # no header or #columns: English is column 1 (refused for languages an anki file cannot hold)
        self.forward = english_first(src_lang, tgt_lang) if head.order is None else head.order
        self.columns = (src_lang, tgt_lang) if self.forward else (tgt_lang, src_lang)
        self.ko_column = korean_side(*self.columns)  # which language column is Korean: id_first
        self.verbatim = not (
            head.layout.exported or head.header_no
        )  # an export's or a header's quoting is undone

    def record(self, no: int, line: str) -> Record:
        """Line ``no`` (1-based), without its line end."""
        if no == self.head.header_no:
            return Record(no, HEADER, why=", ".join(f.strip() for f in self.head.header))
        if line.startswith("#"):
            return Record(no, COMMENT)
        if not line.strip():
            return Record(no, EMPTY, why="blank line")
        ids = self.head.ids
        if (sides := sentence_fields(fields := self.head.layout.fields(line), self.ko_column, ids)) is None:
            if id_first(fields, self.ko_column, ids):  # three fields, as an anki line has, but no anki line
                why = f"3 tab-separated fields, the first a number{_id_hint(self.columns)}"
            else:
                why = f"{plural(len(fields), 'tab-separated field')}, expected 2 or 3{_split_hint(line)}"
                why += _comma_hint(fields) or _spaces_hint(fields)
            return Record(no, MALFORMED, why=why)
        pair = sides if self.forward else sides[::-1]
        quoted = '"' in line and split_quote(
            line
        )  # the test only where a quote is: --stream reads every line
        return Record(no, PAIR, pair, verbatim=self.verbatim, split_quote=quoted)


def table_records(path: Path, text: str, src_col: str, tgt_col: str, delimiter: str) -> Iterator[Record]:
    """TSV or CSV with a header row; ``src_col``/``tgt_col`` name the columns (:class:`TableRows`).
    Reads the header now, so that a missing column is said before any record.

    Raises:
        RnnkitError: an empty file (or one of blank lines), or no column ``src_col`` or ``tgt_col``
            (the columns listed).
    """
    rows = _table_rows(text, delimiter, path)
    before: list[Record] = []  # the comments and blank lines above the header: counted, as an anki file's are
    first = header_row(rows, path, comments := delimiter == "\t", before)
    table = TableRows(first[2], src_col, tgt_col, delimiter, path, comments and first[3])

    def records() -> Iterator[Record]:
        yield from before
        yield Record(first[0], HEADER, why=", ".join(table.header), last=first[1])
        for no, last, row in rows:
            yield table.record(no, last, row)

    return records()


class TableRows:
    """The record of each row of a table whose header row has been read: the one reading of a row,
    whether the file is read whole or streamed from an offset (``--stream``). Empty fields after the
    header's last column (a trailing tab or comma on every line, as some exports write) are ignored;
    any other row without the header's number of fields is malformed.

    Raises:
        RnnkitError: no column ``src_col`` or ``tgt_col`` in ``header`` (the columns listed).
    """

    def __init__(
        self, header: list[str], src_col: str, tgt_col: str, delimiter: str, path: Path, export: bool = False
    ) -> None:
        self.header = [h.strip() for h in header]
        hint = ""
        if export and (
            find_column(self.header, src_col) is None or find_column(self.header, tgt_col) is None
        ):
            # an Anki export (#columns: names them in a comment) has no header row: its first pair is here
            raise RnnkitError(
                f"{path} is an Anki export (its #columns: line names the columns; no header row): leave "
                "--src-col/--tgt-col out, --src-lang/--tgt-lang say which column is which"
            )
        if _a_pair(self.header):  # only maybe: 영어 문장, or No., is a column's name too
            sep = "<TAB>" if delimiter == "\t" else delimiter
            hint = (
                "; if this row is a sentence pair, the header row is missing: start the file with one, "
                f"{src_col}{sep}{tgt_col}"
            )
        self.si = column_index(self.header, src_col, path, hint)
        self.ti = column_index(self.header, tgt_col, path, hint)
        if self.si == self.ti:  # read both sides from one column, the model learnt to copy
            raise RnnkitError(
                f"--src-col {src_col} and --tgt-col {tgt_col} both name column {self.header[self.si]!r}"
            )
        self.tab = delimiter == "\t"

    def record(self, no: int, last: int, row: list[str]) -> Record:
        """The record of ``row``, the fields of lines ``no`` to ``last``."""
        width = len(self.header)
        if blank(row):
            return Record(no, EMPTY, why="blank line", last=last)
        if len(row) > width and not any(c.strip() for c in row[width:]):
            row = row[:width]
        if len(row) != width:
            hint = _split_hint("\t".join(row)) if self.tab else ""  # a TSV's fields: the line
            return Record(
                no, MALFORMED, why=f"{plural(len(row), 'field')}, the header has {width}{hint}", last=last
            )
        return Record(no, PAIR, (row[self.si], row[self.ti]), last=last)


def blank(row: list[str]) -> bool:
    """Whether a table's row holds no text: a blank line (csv's ``[]``), or only spaces and delimiters
    (``,,``: a spreadsheet's empty row saved as CSV)."""
    return not any(field.strip() for field in row)


_DIRECTIVE = re.compile(r"#\w+:")  # an Anki export's #separator:tab, #html:false, #columns:...


def header_row(
    rows: Iterator[tuple[int, int, list[str]]],
    path: Path,
    comments: bool = False,
    skipped: list[Record] | None = None,
) -> tuple[int, int, list[str], bool]:
    """The header of a table's ``(first line, last line, fields)`` rows: the first row not
    :func:`blank` (nor, with ``comments``, a TSV's ``#`` line, as the format guess skips them: the
    bundled corpus opens with some, and its first comment was read as the columns), and whether a
    skipped ``#columns:`` line said the file is an Anki export. Blank rows before it are skipped, as
    pandas' ``read_csv`` skips them (a file saved from a sheet whose first row is empty, a blank line
    pasted at the top): taken as the header, they named no column. The whole-file reader and
    ``--stream`` both start here, so the data start alike. ``skipped``, when given, receives a
    ``comment`` record for each ``#`` line passed over: train's read summary and check-corpus count
    them, as they count an anki file's (uncounted, the summary's kinds fell short of its lines); and an
    ``empty`` one (``above_header``) for each blank row: the summary counts them too (uncounted,
    ``7 lines: 2 comment, 0 empty`` of two pairs under a header, three blank lines about the comment).

    Raises:
        RnnkitError: no such row: the file is empty, or blank lines only.
    """
    export = False
    for first, last, fields in rows:
        # a comment is a line of one field or an Anki directive (#separator:tab, #columns:...); a header
        # whose first column is named # or #id (a sheet's row numbers) is the header
        if (
            comments
            and fields
            and fields[0].startswith("#")
            and (len(fields) == 1 or _DIRECTIVE.match(fields[0]))
        ):
            export = export or fields[0].strip().lower().startswith("#columns:")
            if skipped is not None:
                skipped.append(Record(first, COMMENT, last=last))
        elif not blank(fields):
            return first, last, fields, export
        elif skipped is not None:
            skipped.append(Record(first, EMPTY, why="blank line", last=last, above_header=True))
    raise RnnkitError(f"{path} is empty: no header row")


def tsv_row(line: str) -> list[str]:
    """A TSV line's fields: split at every tab (a line per record), a field wholly in quotes unquoted."""
    return [unquote(field) for field in line.split("\t")]


def moses_records(src: tuple[Path, str], tgt: tuple[Path, str]) -> Iterator[Record]:
    """Two line-aligned files, ``(path, text)`` each: line ``i`` of one translates line ``i`` of the
    other, and a record is line ``i`` of both (a blank on either side: ``empty``). Moses files have no
    comments or header: every line is a pair. Compares the line counts now, before any record.

    Raises:
        RnnkitError: the files differ in line count.
    """
    src_lines, tgt_lines = file_lines(src[1]), file_lines(tgt[1])
    if len(src_lines) != len(tgt_lines):
        raise RnnkitError(
            f"moses files differ in line count: {src[0]} has {len(src_lines)}, {tgt[0]} has {len(tgt_lines)}"
            + _blank_tail(src, src_lines, tgt, tgt_lines)
        )
    return (
        Record(no, PAIR, sides) for no, sides in enumerate(zip(src_lines, tgt_lines, strict=True), start=1)
    )


def _blank_tail(
    src: tuple[Path, str], src_lines: list[str], tgt: tuple[Path, str], tgt_lines: list[str]
) -> str:
    """What the longer of two Moses files holds past the other's end, when that is blank lines only (an
    editor's trailing empty line): a count alone left the user to hunt a misalignment that is not there."""
    longer, lines = (src, src_lines) if len(src_lines) > len(tgt_lines) else (tgt, tgt_lines)
    extra = lines[min(len(src_lines), len(tgt_lines)) :]
    if any(line.strip() for line in extra):
        return ""
    return (
        f" ({longer[0]} ends with {plural(len(extra), 'blank line')} past the other's last line: "
        f"delete {'it' if len(extra) == 1 else 'them'})"
    )


SPLIT_QUOTE = (
    "a field in double quotes holds a tab, and a tab file splits at every tab, quoted or not: "
    "replace the tab inside the quotes with a space"
)


def split_quote(line: str) -> bool:
    """Whether a tab-separated line has a field opening a double quote that a later field closes
    (``"Hello,<TAB>friend."<TAB>...``), as a spreadsheet saves a cell holding a tab."""
    fields = [f.strip() for f in line.split("\t")]
    for i, f in enumerate(fields):
        if f.startswith('"') and not (len(f) > 1 and f.endswith('"')):
            return any(g.endswith('"') and not g.startswith('"') for g in fields[i + 1 :])
    return False


def _split_hint(line: str) -> str:
    """``: <SPLIT_QUOTE>`` for a line :func:`split_quote` finds, else nothing."""
    return f" ({SPLIT_QUOTE})" if split_quote(line) else ""


COMMA_PAIR = (
    "a comma, not a tab, separates its sentences: for a CSV file, give it a header row en,ko and --format csv"
)


def _comma_hint(fields: list[str]) -> str:
    """`` (<COMMA_PAIR>)`` for a line of one field that a comma splits into a side with Hangul and a
    side without (``Hello.,안녕하세요.``: a CSV saved or named as a tab file), else nothing."""
    if len(fields) != 1:
        return ""
    parts = fields[0].split(",")
    for cut in range(1, len(parts)):
        left, right = ",".join(parts[:cut]), ",".join(parts[cut:])
        if bool(HANGUL.search(left)) != bool(HANGUL.search(right)):
            return f" ({COMMA_PAIR})"
    return ""


SPACES_PAIR = (
    "spaces, not a tab, separate its sentences, as an editor that turns tabs into spaces saves them: put "
    "one tab between them"
)


def _spaces_hint(fields: list[str]) -> str:
    """`` (<SPACES_PAIR>)`` for a line of one field that a run of two or more spaces splits into a side
    with Hangul and a side without (``Hello.    안녕하세요.``: its tab turned into spaces by an editor),
    else nothing."""
    if len(fields) != 1:
        return ""
    for gap in re.finditer(r" {2,}", fields[0]):
        left, right = fields[0][: gap.start()], fields[0][gap.end() :]
        if left.strip() and right.strip() and bool(HANGUL.search(left)) != bool(HANGUL.search(right)):
            return f" ({SPACES_PAIR})"
    return ""


def _id_hint(columns: tuple[str, str]) -> str:
    """Why a line of three fields that opens with a number (:func:`~.corpus_text.id_first`) is no anki
    line, and what to do, for an anki file of ``columns`` (its language codes in column order)."""
    return (
        " (an id column? an anki line is english<TAB>other<TAB>attribution: start the file with a header row "
        f"naming its columns, id<TAB>{columns[0]}<TAB>{columns[1]}, to have it read as a table)"
    )


def _a_pair(header: list[str]) -> bool:
    """Whether a table's first row may be a sentence pair, not column names: two fields or more, one
    ending as a sentence ends or holding Hangul that names no language (a CSV saved without its header
    row, whose first pair was "has no column 'en'; columns: Where are you from?, 어디에서 왔어요?"). Only
    may: ``영어 문장,한국어 문장`` or ``No.,Source,Target`` are names too, so the column error keeps
    listing the columns (for --src-col) and says the header row may be missing after it."""
    return len(header) >= 2 and any(
        field[-1:] in (".", "?", "!") or (HANGUL.search(field) and field.casefold() not in LANGUAGE_NAMES)
        for field in header
    )


def column_index(header: list[str], col: str, path: Path, hint: str = "") -> int:
    """Where column ``col`` is in ``header``: the name itself, else (``col`` a language code) the one
    column named after that language in any case (``English``, ``KOREAN``, ``Ko``, ``영어``).

    Raises:
        RnnkitError: no such column (the message lists the columns, then ``hint``).
    """
    index = find_column(header, col)
    if index is None and len(loose := [h for h in header if column_key(h) == column_key(col)]) > 1:
        raise RnnkitError(f"{col!r} matches {len(loose)} columns ({', '.join(loose)}): name one exactly")
    if index is None:
        raise RnnkitError(
            f"{path} has no column {col!r}; columns: {', '.join(header)}{_separator_hint(header)}{hint}"
        )
    return index


_SEPARATORS = ((";", "semicolons"), (",", "commas"), ("\t", "tabs"), ("|", "vertical bars"))


def _separator_hint(header: list[str]) -> str:
    """Where a header row of one field splits at another separator than the format's (``en;ko``: a
    CSV saved by Excel in a locale whose decimal comma makes it separate by semicolons), a hint naming
    that separator and the separators rnnkit reads; else nothing."""
    if len(header) != 1:
        return ""
    for sep, name in _SEPARATORS:
        if len(header[0].split(sep)) >= 2:
            return (
                f" (one column: the header row is separated by {name}; save the file with commas as a "
                ".csv, or with tabs as a .tsv)"
            )
    return ""


def _table_rows(text: str, delimiter: str, path: Path) -> Iterator[tuple[int, int, list[str]]]:
    """``(first line, last line, fields)`` of each record. TSV is a line per record, split at tabs (as
    ``--stream`` reads it): a quote opening a sentence never swallows the lines after it. CSV follows
    csv's quoting (:func:`csv_rows`); its lines end where :func:`~.corpus_text.file_lines` ends them, at
    a lone ``\\r`` too (Excel for Mac's CSV), so that csv neither refuses such a file nor numbers its
    lines apart from check-corpus's --write-clean."""
    if delimiter == "\t":
        for no, line in enumerate(file_lines(text), start=1):
            yield no, no, tsv_row(line)
        return
    yield from csv_rows(io.StringIO(text, newline=None), path)  # \r\n and \r read as \n


def csv_rows(lines: Iterable[str], path: Path, before: int = 0) -> Iterator[tuple[int, int, list[str]]]:
    """``(first line, last line, fields)`` of each CSV record of ``lines`` (each ending in ``\\n``, the
    file's last perhaps in nothing), numbered from line ``before + 1``: the one reading of CSV, whether
    the file is read whole or streamed from a record's end (``--stream``). csv's own rule says where a
    record ends, so a quoted field may hold commas, doubled quotes and line breaks; and csv takes no
    line past the end of the record it returns, so a reader counting the lines it hands over knows
    where each record ends.

    Raises:
        RnnkitError: a field over csv's limit (128 KiB: a quote that never closes swallows the lines
            after it, and csv stops there, never reading the rest of the file), naming the record's
            first line, where that quote is.
    """
    rows = csv.reader(lines, delimiter=",")
    first = 1
    while True:
        try:
            row = next(rows, None)
        except csv.Error as exc:
            raise RnnkitError(_csv_error(path, before + first, before + rows.line_num, exc)) from None
        if row is None:
            return
        yield before + first, before + rows.line_num, row
        first = rows.line_num + 1


def _csv_error(path: Path, first: int, last: int, exc: csv.Error) -> str:
    """csv's refusal in one line, at the line where the record began: a quote that never closes is
    there, not where csv gave up 128 KiB later."""
    if first == last:
        return f"{path}:{first}: {exc} (an unclosed quote, or a field over 128 KiB?)"
    return f"{path}:{first}: {exc} (an unclosed quote? the record from line {first} runs on to line {last})"


def json_records(text: str, src_col: str, tgt_col: str) -> tuple[str, Iterator[Record]]:
    """One JSON object per line, e.g. ``{"en": "Hello.", "ko": "안녕하세요."}``, or with the pair under
    ``"translation"`` (Hugging Face ``datasets``); or a file that is one JSON array of such objects.
    Returns what a record is (``line``, or ``record`` for an array's items) and the records."""
    cols = json_keys(src_col, tgt_col)
    if text.lstrip().startswith("[") and (array := _json_array(text)) is not None:
        return "record", (_object_record(no, obj, cols) for no, obj in enumerate(array, start=1))

    return "line", (json_line(no, line, cols) for no, line in enumerate(file_lines(text), start=1))


def json_keys(src_col: str, tgt_col: str) -> tuple[str, str]:
    """The two keys a JSON record's pair is read from; one key for both sides is refused in one line, as
    one column of a table is (read from one key, the model learnt to copy its input)."""
    if src_col == tgt_col:
        raise RnnkitError(f"--src-col {src_col} and --tgt-col {tgt_col} both name key {src_col!r}")
    return src_col, tgt_col


def json_line(no: int, line: str, cols: tuple[str, str]) -> Record:
    """The record of JSON Lines' line ``no``: the one reading of a line, read whole or streamed."""
    if not line.strip():
        return Record(no, EMPTY, why="blank line")
    try:  # limits on nesting and number size: a hostile line is counted, never a traceback
        obj = parse_json(line, "the line")
    except RnnkitError as exc:
        return Record(no, MALFORMED, why=str(exc))
    return _object_record(no, obj, cols)


def _json_array(text: str) -> list | None:
    """The file as one JSON array, or None when it is not one (JSON Lines whose first line is an array)."""
    try:
        records = parse_json(text, "the file")
    except RnnkitError:
        return None
    return records if isinstance(records, list) else None


def _object_record(no: int, obj: object, cols: tuple[str, str]) -> Record:
    """The pair of one JSON record (the keys ``cols``, at the top or under ``"translation"``), or why it
    has none."""
    if not isinstance(obj, dict):
        return Record(no, MALFORMED, why="not a JSON object")
    if cols[0] not in obj and isinstance(obj.get("translation"), dict):
        obj = obj["translation"]
    src, tgt = obj.get(cols[0]), obj.get(cols[1])
    if not isinstance(src, str) or not isinstance(tgt, str):
        if cols[0] in obj and cols[1] in obj:  # the keys are there: what is in them is not text
            given = ", ".join(f"{c!r} is {_shown(obj[c])}" for c in cols if not isinstance(obj[c], str))
            return Record(no, MALFORMED, why=f"needs string fields {cols[0]!r} and {cols[1]!r} ({given})")
        return Record(no, MALFORMED, why=f"needs string fields {cols[0]!r} and {cols[1]!r}{_keys_hint(obj)}")
    return Record(no, PAIR, (src, tgt))


def _shown(value: object) -> str:
    """A JSON value that is not text, as written (``5``, ``null``, ``["a"]``), cut to 40 characters."""
    written = json.dumps(value, ensure_ascii=False)
    return written if len(written) <= 40 else written[:39] + "…"


def _keys_hint(obj: dict) -> str:
    """`` (it has keys 'english', 'korean': --src-col, --tgt-col name them)`` for a line without the keys."""
    if not obj:
        return ""
    keys = ", ".join(repr(k) for k in list(obj)[:4]) + (", ..." if len(obj) > 4 else "")
    return f" (it has {keys}: --src-col and --tgt-col name the keys)"
