"""What a corpus file's text and lines are, for every reader (whole-file, ``--stream``, check-corpus).

- Encoding: UTF-8 (a byte-order mark dropped), or UTF-16/UTF-32 after its byte-order mark (Windows
  Notepad's "Unicode"); UTF-16 without the mark, and CP949 (Korean Windows' and Excel's default), are
  named in the refusal, never guessed at.
- Lines end at ``\n``, ``\r\n`` or a lone ``\r`` only (what an editor numbers).
- A sentence is NFC-normalised, byte-order marks inside it dropped and whitespace collapsed
  (:func:`clean`); a control character (Unicode's Cc but the tab) makes it unusable.
- Scripts: Hangul on the non-Korean side and none on the Korean side means the columns are swapped.
- Header lines: a first line of column names (``korean<TAB>english``) says the columns' order.
- Anki's own export (``#separator:tab``, ``#html:true``, ``#tags column:3`` ...) is read as it says.
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rnnkit.translate.corpus_source import check_corpus_path, refuse_no_text
from rnnkit.utils.byte_order import bad_byte, decode, text_encoding
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.linestream import split_lines

file_lines = split_lines  # a corpus file's lines: those an editor numbers, and translate text reads


def clean(text: str) -> str:
    """NFC-normalise (Korean typed on some systems arrives decomposed), drop byte-order marks (two files
    joined with ``cat`` keep the second one's inside a line) and collapse whitespace."""
    return " ".join(unicodedata.normalize("NFC", text).replace("\ufeff", "").split())


HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
# a header line's names for the languages of its columns (the codes themselves are names too)
LANGUAGE_NAMES = {"english": "en", "eng": "en", "영어": "en", "korean": "ko", "kor": "ko", "한국어": "ko"}
_OTHER_HEADER_NAMES = {"source", "src", "target", "tgt", "attribution", "license", "licence"}


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")  # Unicode's Cc but the tab: one pass, in C


def control_characters(text: str) -> list[str]:
    """The control characters of ``text`` other than the tab, as ``U+0007``, each once, in order."""
    return [f"U+{ord(c):04X}" for c in dict.fromkeys(_CONTROL.findall(text))]


SWAPPED = "Hangul on the non-Korean side and none on the Korean side"


def sentence_pair(src: str, tgt: str, ko_side: int | None) -> tuple[tuple[str, str], str | None]:
    """The pair cleaned, and why it cannot be used (None when it can): a side empty, a control character
    (looked for before :func:`clean`, which would turn a form feed or U+001C into a space; a line break
    aside: a quoted CSV field or a JSON string may hold one), or :data:`SWAPPED` (:func:`is_swapped`).
    The one rule of every reader, whole-file and ``--stream``."""
    codes = control_characters((src + tgt).replace("\n", "").replace("\r", ""))
    pair = clean(src), clean(tgt)
    if not all(pair):
        return pair, "a side is empty"
    if codes:
        return pair, f"control character {', '.join(codes)} (not text)"
    return pair, SWAPPED if is_swapped(pair, ko_side) else None


def korean_side(src_lang: str, tgt_lang: str) -> int | None:
    """Which side of a (source, target) pair is Korean: 0, 1, or None when neither is."""
    return 0 if src_lang == "ko" else 1 if tgt_lang == "ko" else None


def is_swapped(pair: tuple[str, str], ko_side: int | None) -> bool:
    """True when the Korean side has no Hangul and the other side has some: the columns (or keys, or
    files) are the other way round."""
    if ko_side is None:
        return False
    return not HANGUL.search(pair[ko_side]) and bool(HANGUL.search(pair[1 - ko_side]))


def header_order(fields: list[str], src_lang: str, tgt_lang: str) -> bool | None:
    """For an anki file's first line: None when it is data; else True when its columns are (source,
    target), False when (target, source). A header is 2 or 3 column names (``english<TAB>korean``,
    ``ko<TAB>en<TAB>attribution``, ``source<TAB>target``).

    Raises:
        RnnkitError: a header naming languages other than ``src_lang`` and ``tgt_lang``.
    """
    names = [f.strip().casefold() for f in fields]
    if len(names) not in (2, 3):
        return None
    langs = [LANGUAGE_NAMES.get(n, n) for n in names[:2]]
    if langs[0] == langs[1]:  # ``English<TAB>영어``: a word and its translation
        return None
    known = set(LANGUAGE_NAMES.values()) | {src_lang, tgt_lang}
    if not all(n in known or n in _OTHER_HEADER_NAMES for n in [*langs, *names[2:]]):
        return None
    if langs[0] in ("source", "src"):
        return True
    if langs[0] in ("target", "tgt"):
        return False
    if set(langs) != {src_lang, tgt_lang}:
        raise RnnkitError(
            f"the header line names the columns {fields[0].strip()!r} and {fields[1].strip()!r}, "
            f"but the languages are {src_lang}->{tgt_lang} (--src-lang, --tgt-lang)"
        )
    return langs[0] == src_lang


def read_text(path: Path) -> str:
    """A corpus file's text: UTF-8, or UTF-16/32 after its byte-order mark; or a one-line error: a
    folder, a missing file, a pipe or device, a compressed file, or bytes that are not text in the encoding (named by their line)."""
    check_corpus_path(path)
    data = path.read_bytes()
    refuse_no_text(path, data)
    encoding = text_encoding(data[:4])
    try:
        return decode(data)  # by the mark found above; UTF-8's mark dropped
    except UnicodeDecodeError as exc:
        hint = cp949_hint(data) if encoding is None else ""
        line = bad_byte(data, exc).line  # after UTF-8's mark too; an old Mac file's lone \r ends lines
        raise RnnkitError(f"{path}: line {line} is not {encoding or 'UTF-8'} text{hint}") from None


def cp949_hint(data: bytes) -> str:
    """A hint when bytes that are not UTF-8 read as Korean in CP949 (EUC-KR), the encoding Korean
    Windows and Excel save text and CSV in: the file is meant, not broken, and only needs re-saving.
    Not read that way silently: other bytes can decode as CP949 too."""
    try:
        text = data.decode("cp949")
    except UnicodeDecodeError:
        return ""
    return (
        "; it reads as Korean in CP949 (EUC-KR), as Korean Windows and Excel save: save it as UTF-8"
        if HANGUL.search(text)
        else ""
    )


def sentence_fields(fields: list[str], ko_column: int | None, ids: bool = False) -> tuple[str, str] | None:
    """The two sentences of an anki line's tab-separated fields: ``english<TAB>other[<TAB>attribution]``,
    or Tatoeba's sentence-pairs download, ``id<TAB>english<TAB>id<TAB>other``; None for anything else,
    and for ``id<TAB>english<TAB>other`` (:func:`id_first`; ``ko_column`` and ``ids`` as there)."""
    if len(fields) == 2 or (len(fields) == 3 and not id_first(fields, ko_column, ids)):
        return fields[0], fields[1]
    if len(fields) == 4 and fields[0].strip().isdigit() and fields[2].strip().isdigit():
        return fields[1], fields[3]
    return None


_SENTENCE_END = re.compile(r"[.?!。？！]\W*$")  # a closing quote or bracket after it too


def id_first(fields: list[str], ko_column: int | None, ids: bool = False) -> bool:
    """Whether a line of three fields is ``id<TAB>english<TAB>other``, a table without its header row,
    not ``english<TAB>other<TAB>attribution``: it opens with a number and its other two fields read as
    the pair. With Korean in the pair (``ko_column``: which of the file's two language columns, 0 or 1)
    the Korean one holds Hangul and the other none. Else the file decides (``ids``: :func:`id_column`),
    or, in a file that is no id table, both ending as a sentence ends (an attribution does not): a
    line's own words cannot tell ``115<TAB>I like coffee<TAB>J'aime le café`` from a note, and read as
    an anki line the id was the English sentence, a French file training "115" into "I like coffee".
    A deck whose English is a number (``1<TAB>일<TAB>Sino-Korean``, ``1<TAB>un<TAB>cardinal`` among
    pairs) is an anki line."""
    if len(fields) != 3 or not fields[0].strip().isdigit():
        return False
    pair = fields[1].strip(), fields[2].strip()
    if ko_column is not None:
        return bool(HANGUL.search(pair[ko_column])) and not HANGUL.search(pair[1 - ko_column])
    return ids or all(_SENTENCE_END.search(side) for side in pair)


ID_SAMPLE = 1000  # data lines read to tell an id table: --stream reads these, never the file


# the third field of a Tatoeba or Anki export: its licence and where the pair came from
_ATTRIBUTION = re.compile(
    r"\bCC[- ]?(BY|0)\b|attribution|licen[cs]e|tatoeba\.org|https?://|#\d", re.IGNORECASE
)


TAG_LINES = 10  # number-first lines, at least, whose third field a tag column must fill ...
TAG_VALUES = 3  # ... with this many values at most (cardinal, ordinal, fraction)


def id_column(rows: Iterable[list[str]]) -> bool:
    """Whether most of the pair lines among ``rows`` (an anki file's first :data:`ID_SAMPLE` data lines,
    as fields; two or three fields) open with a number before two more fields, the third no attribution:
    an id table saved without its header row, whose first field is an id on every line. A handful among
    pairs (a numbers deck, ``1<TAB>un<TAB>cardinal``) leaves the file's lines anki lines, as do numbers
    with their attribution (Tatoeba's ``1<TAB>Un.<TAB>CC-BY 2.0 (France) Attribution: tatoeba.org #1``):
    counted among three-field lines only, or as ids, they were dropped as malformed. A third field of
    :data:`TAG_VALUES` values or fewer over :data:`TAG_LINES` number-first lines or more (``cardinal``,
    ``ordinal``) is a tag column, no translation: a whole numbers deck is pairs, its numbers content
    (``1`` -> ``un``), as a Korean deck is (taken as an id table, every line was malformed). Only that
    strong a sign: an id table repeats its translations too (``oui``, ``merci``), and one read as pairs
    trains ids as English in silence, where its refusal says what to add."""
    lines = digits = 0
    thirds: set[str] = set()
    for fields in rows:
        if len(fields) in (2, 3):
            lines += 1
            if len(fields) == 3 and fields[0].strip().isdigit() and not _ATTRIBUTION.search(fields[2]):
                digits += 1
                thirds.add(fields[2].strip().casefold())
    tags = digits >= TAG_LINES and len(thirds) <= TAG_VALUES  # an id table's third field: a sentence a line
    return 2 * digits > lines and not tags


def find_column(header: list[str], col: str) -> int | None:
    """:func:`column_index`, or None where there is no such column (or more than one matches loosely).
    A column named with ``--src-col``/``--tgt-col`` is matched as the default one, a language code, is:
    in any case, without surrounding spaces, and a language's name as its code (``English`` finds
    ``english``, ``en`` or ``ENG``), so ``--src-col English`` finds the column ``english`` it names."""
    if col in header:
        return header.index(col)
    key = column_key(col)
    named = [i for i, h in enumerate(header) if column_key(h) == key]
    return named[0] if len(named) == 1 else None


def column_key(name: str) -> str:
    """``name`` as a column is matched by: trimmed, case-folded, a language's name as its code."""
    folded = name.strip().casefold()
    return LANGUAGE_NAMES.get(folded, folded)


def unquote(text: str) -> str:
    """A TSV field wholly in double quotes (``"Hello, ""you""."``, as spreadsheets write a field holding a
    quote) without them; any other field as it is: a sentence that merely starts with a quotation
    (``"Run!" she said.``) keeps its quotes."""
    body = text.strip()
    inner = body[1:-1]
    if len(body) >= 2 and body[0] == body[-1] == '"' and '"' not in inner.replace('""', ""):
        return inner.replace('""', '"')
    return text


_ANKI_DIRECTIVE = re.compile(
    r"#(separator|html|columns|(?:notetype|deck|guid|tags) column):(.*)$", re.IGNORECASE
)
_BREAK_TAG = re.compile(r"<br\s*/?>|</?(?:div|p|li)\b[^>]*>", re.IGNORECASE)  # a line break: a space
_INLINE_TAG = re.compile(r"<[^>]*>")  # <b>, <span ...>: nothing


@dataclass
class AnkiLayout:
    """What an Anki export's ``#key:value`` lines say about the lines after them (Anki 2.1.55 and later
    write them: ``#separator:tab``, ``#html:true``, ``#tags column:3``, ``#deck column:1`` ...).

    Attributes:
        exported: a directive was seen: fields follow Anki's quoting (``"a ""quoted"" field"``).
        html: fields are HTML: line-breaking tags become spaces, other tags nothing, ``&nbsp;`` and the
            like their characters.
        skip: 0-based columns holding no sentence (notetype, deck, guid, tags).
        order: what a ``#columns:`` line naming the languages says (as :func:`header_order`), else None.
    """

    exported: bool = False
    html: bool = False
    skip: frozenset[int] = frozenset()
    order: bool | None = None

    def directive(self, line: str, src_lang: str, tgt_lang: str, where: str) -> bool:
        """Take one ``#`` line; True when it was an Anki directive (it is a comment either way).

        Raises:
            RnnkitError: a separator other than the tab (``where`` names the file and line).
        """
        found = _ANKI_DIRECTIVE.match(line.strip())
        if found is None:
            return False
        key, value = found.group(1).lower(), found.group(2).strip()
        self.exported = True
        if key == "separator" and value.lower() not in ("tab", "\t"):
            raise RnnkitError(
                f"{where}: the file says {line.strip()!r}; anki files are read tab-separated: export "
                "with tabs, or read a comma file with --format csv"
            )
        if key == "html":
            self.html = value.lower() == "true"
        elif key == "columns":
            self.order = header_order(value.split("\t"), src_lang, tgt_lang)
        elif key != "separator" and value.isdigit() and int(value) > 0:
            self.skip = self.skip | {int(value) - 1}
        return True

    def fields(self, line: str) -> list[str]:
        """The line's fields as text: the skipped columns left out, Anki's quoting and HTML undone."""
        fields = [f for i, f in enumerate(line.split("\t")) if i not in self.skip]
        if self.exported:
            fields = [unquote(f) for f in fields]
        if self.html:
            fields = [html.unescape(_INLINE_TAG.sub("", _BREAK_TAG.sub(" ", f))) for f in fields]
        return fields


def english_first(src_lang: str, tgt_lang: str) -> bool:
    """An anki file without a header holds English in column 1: True when that column is the source.

    Raises:
        RnnkitError: neither language is English.
    """
    if "en" not in (src_lang, tgt_lang):
        raise RnnkitError(
            "anki files hold English in column 1, so --src-lang or --tgt-lang must be en "
            f"(got {src_lang}->{tgt_lang})"
        )
    return src_lang == "en"


@dataclass
class Preamble:
    """What the lines before an anki file's first pair say: its layout and the columns' order.

    Attributes:
        layout: the Anki export's directives (:class:`AnkiLayout`; a plain file's is the default).
        order: True when the source language is column 1, False when the target is; from a header
            line, else from a ``#columns:`` directive; None when neither says.
        header_no: the header line's number (1-based), 0 when the file has none.
        header: the header line's fields, ``[]`` when none.
        ids: the file is an id table without its header row (:func:`id_column`, its first lines).
    """

    layout: AnkiLayout
    order: bool | None
    header_no: int
    header: list[str]
    ids: bool = False


def read_preamble(
    lines: Iterable[tuple[int, str]], src_lang: str, tgt_lang: str, where: str | Path
) -> Preamble:
    """Read ``(line number, line)`` up to an anki file's first non-blank, non-``#`` line: the directives
    before it, and whether it is a header naming the languages (:func:`header_order`). The whole-file
    reader, ``--stream`` and check-corpus all start here, so a file's layout is read one way.

    Directives after the first pair are comments, as Anki writes them only at the top. Reads on past
    the first pair only to sample the first :data:`ID_SAMPLE` data lines (:func:`id_column`), so a
    stream reads a few lines, not the file.

    Raises:
        RnnkitError: a separator other than the tab; a header naming other languages (``where`` and
            the line number name the place).
    """
    layout = AnkiLayout()
    lines = iter(lines)
    head, first = Preamble(layout, None, 0, []), []
    for no, line in lines:
        if line.startswith("#"):
            layout.directive(line, src_lang, tgt_lang, f"{where}:{no}")
        elif line.strip():
            fields = layout.fields(line)
            if (order := header_order(fields, src_lang, tgt_lang)) is not None:
                head = Preamble(layout, order, no, fields)
            else:
                first = [fields]
            break
    head.order = layout.order if head.header_no == 0 else head.order
    data = (layout.fields(line) for _, line in lines if line.strip() and not line.startswith("#"))
    head.ids = id_column(itertools.chain(first, itertools.islice(data, ID_SAMPLE - len(first))))
    return head
