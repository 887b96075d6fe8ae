"""Checks on the bundled English-Korean corpus `rnnkit/translate/data/en_ko.tsv`.

The file is data, not code, so these tests are its specification: UTF-8 with LF endings, a `# ` header
that states the style and the CC0 licence, then one `english<TAB>korean` pair per line.
"""

from __future__ import annotations

import re
from collections import Counter
from importlib.util import find_spec
from pathlib import Path

import pytest

HANGUL = re.compile(r"[\uac00-\ud7a3]")  # precomposed Hangul syllables
SENTENCE_END = re.compile(r"[.?!]$")
MIN_PAIRS = 47000
MIN_WORDS, MAX_WORDS = 2, 25


def corpus_path() -> Path:
    """The corpus inside the installed package (src/ in an editable install).

    `find_spec` locates the package without importing it, so this file does not pay for importing torch.
    """
    spec = find_spec("rnnkit")
    assert spec is not None and spec.submodule_search_locations, "rnnkit is not installed"
    package = Path(next(iter(spec.submodule_search_locations)))
    return package / "translate" / "data" / "en_ko.tsv"


@pytest.fixture(scope="module")
def raw() -> bytes:
    return corpus_path().read_bytes()


@pytest.fixture(scope="module")
def lines(raw: bytes) -> list[str]:
    return raw.decode("utf-8").split("\n")[:-1]  # the file ends with "\n"


@pytest.fixture(scope="module")
def header(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        if not line.startswith("# "):
            break
        out.append(line)
    return out


@pytest.fixture(scope="module")
def pairs(lines: list[str], header: list[str]) -> list[tuple[str, str]]:
    body = lines[len(header) :]
    return [tuple(line.split("\t")) for line in body]  # shape checked in test_every_line_is_one_pair


def words(sentence: str) -> int:
    return len(sentence.split())


def test_encoding_and_line_endings(raw: bytes) -> None:
    assert not raw.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    assert b"\r" not in raw, "LF line endings only"
    assert raw.endswith(b"\n") and not raw.endswith(b"\n\n"), "one final newline, no blank tail"
    raw.decode("utf-8")  # raises on invalid UTF-8


def test_header_states_title_style_licence_and_origin(header: list[str]) -> None:
    text = "\n".join(header)
    assert len(header) >= 4
    assert "CC0-1.0" in text
    assert "해요체" in text, "the header states the Korean speech style"
    assert "rnnkit" in text
    assert "\t" not in text


def test_every_line_is_one_pair(lines: list[str], header: list[str]) -> None:
    for number, line in enumerate(lines[len(header) :], start=len(header) + 1):
        assert not line.startswith("#"), f"line {number}: comment after the header"
        assert line.count("\t") == 1, f"line {number}: expected exactly one tab: {line!r}"
        english, korean = line.split("\t")
        assert english and korean, f"line {number}: empty side: {line!r}"
        assert english == english.strip() and korean == korean.strip(), f"line {number}: stray spaces"
        assert "  " not in line, f"line {number}: double space"


def test_at_least_the_promised_number_of_pairs(pairs: list[tuple[str, str]]) -> None:
    assert len(pairs) >= MIN_PAIRS


def test_no_duplicates(pairs: list[tuple[str, str]]) -> None:
    english = Counter(" ".join(en.lower().split()) for en, _ in pairs)
    repeated = [sentence for sentence, count in english.items() if count > 1]
    assert repeated == [], f"duplicate English sentences: {repeated[:5]}"
    assert len(set(pairs)) == len(pairs)


def test_english_lengths_span_2_to_25_words_with_a_spread(pairs: list[tuple[str, str]]) -> None:
    lengths = [words(en) for en, _ in pairs]
    assert min(lengths) <= 3 and max(lengths) >= 20, "short and long sentences both occur"
    too_short_or_long = [en for en, _ in pairs if not MIN_WORDS <= words(en) <= MAX_WORDS]
    assert too_short_or_long == []
    # Many short, many medium, some long: each band holds a real share of the corpus. (Short is 19% since
    # groups d-i, whose writers found most short everyday sentences already written: 15% is the floor.)
    n = len(lengths)
    short = sum(1 for k in lengths if k <= 5) / n
    medium = sum(1 for k in lengths if 6 <= k <= 10) / n
    long = sum(1 for k in lengths if k >= 11) / n
    assert short >= 0.15 and medium >= 0.35 and long >= 0.05, (short, medium, long)


def test_sides_are_in_their_languages(pairs: list[tuple[str, str]]) -> None:
    for english, korean in pairs:
        assert HANGUL.search(korean), f"no Hangul on the Korean side: {korean!r}"
        assert not HANGUL.search(english), f"Hangul on the English side: {english!r}"
        assert english.isascii(), f"non-ASCII English: {english!r}"
        assert english[0].isupper() or english[0].isdigit(), f"English starts lower-case: {english!r}"


def test_sentences_are_punctuated_and_questions_stay_questions(pairs: list[tuple[str, str]]) -> None:
    for english, korean in pairs:
        assert SENTENCE_END.search(english), f"English lacks final punctuation: {english!r}"
        assert SENTENCE_END.search(korean), f"Korean lacks final punctuation: {korean!r}"
        # A question stays a question both ways (polite requests become -주시겠어요?), so that
        # Korean-to-English training sees the same sentence type on both sides.
        assert english.endswith("?") == korean.endswith("?"), (
            f"sentence type differs: {english!r} / {korean!r}"
        )


def test_korean_side_keeps_the_polite_informal_style(pairs: list[tuple[str, str]]) -> None:
    # 해요체: the final sentence ends in -요 or its contraction -죠 (지요); fixed courtesies such as
    # 안녕히 가세요 also do. Plain 반말 (-어/-야) or 합쇼체 (-습니다) endings would mix styles.
    final_word = [korean.rstrip(".?!").split()[-1] for _, korean in pairs]
    formal = [w for w in final_word if w.endswith(("습니다", "습니까", "ㅂ니다"))]
    assert formal == [], f"합쇼체 endings: {formal[:5]}"
    polite = sum(1 for w in final_word if w.endswith(("요", "죠")))
    assert polite / len(pairs) >= 0.97, f"only {polite} of {len(pairs)} end in -요"
