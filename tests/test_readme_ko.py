"""README.ko.md says what README.md says, no more and no less, as README.md changes.

The Korean README had drifted into a shorter page: no exit statuses 129 and 141, no model folders, no
``--resume``, no ``--stream``, no data licences, and commands of its own. Prose cannot be compared across
languages, but what both pages must carry verbatim can: every inline code span, every link, every number
of the prose, and every command of the bash and Python blocks (comments aside, as they are translated).
The Korean page adds only its lecture section (docs/ko/ and the notebooks exist in Korean first) and one
note for Korean readers (the report embeds a Hangul font subset).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENGLISH = ROOT / "README.md"
KOREAN = ROOT / "README.ko.md"

FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
SPAN = re.compile(r"`([^`]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

# What the Korean page may say that the English one does not: the lecture's links and chapter numbers,
# and the spans of its font note and of two asides that name what the English text names in words.
LECTURE_LINK = re.compile(r"^(?:docs/ko/|docs/notebooks/(?:ko|en)/)")
KOREAN_ONLY_SPANS = {"src/rnnkit/utils/fonts.py", "from_pretrained", "lengths"}
CHAPTER_NUMBER = re.compile(r"^0\d$")


def _prose(text: str) -> str:
    return FENCE.sub("", text)


def _numbers(text: str) -> set[str]:
    """The numbers a reader reads: not those inside code spans or link targets."""
    return set(NUMBER.findall(re.sub(r"`[^`]*`|\]\([^)]*\)", "", _prose(text))))


def _commands(text: str) -> list[list[str]]:
    """Each bash or Python block's lines without their comments; a whole-line comment stays a marker."""
    blocks = []
    for lang, body in FENCE.findall(text):
        if lang in {"bash", "python"}:
            lines = body.splitlines()
            blocks.append(["#" if line.startswith("#") else line.split(" #")[0].rstrip() for line in lines])
    return blocks


@pytest.fixture(scope="module")
def pages() -> tuple[str, str]:
    return ENGLISH.read_text(encoding="utf-8"), KOREAN.read_text(encoding="utf-8")


def test_every_code_span_is_in_both(pages):
    english, korean = (set(SPAN.findall(_prose(page))) for page in pages)
    assert not english - korean, f"README.ko.md lacks {sorted(english - korean)}"
    assert not korean - english - KOREAN_ONLY_SPANS, f"only in README.ko.md: {sorted(korean - english)}"


def test_every_link_is_in_both(pages):
    english, korean = (set(LINK.findall(_prose(page))) for page in pages)
    missing = english - korean - {"README.ko.md"}
    assert not missing, f"README.ko.md lacks the links {sorted(missing)}"
    extra = {link for link in korean - english - {"README.md"} if not LECTURE_LINK.match(link)}
    assert not extra, f"only in README.ko.md: {sorted(extra)}"


def test_every_number_is_in_both(pages):
    """The exit statuses, the demo's minutes, the limits, the corpus size: a number changed in English
    is a number to change in Korean."""
    english, korean = (_numbers(page) for page in pages)
    assert not english - korean, f"README.ko.md lacks the numbers {sorted(english - korean)}"
    extra = {n for n in korean - english if not CHAPTER_NUMBER.match(n)}
    assert not extra, f"numbers only in README.ko.md: {sorted(extra)}"


def test_the_commands_and_code_are_the_same(pages):
    english, korean = (_commands(page) for page in pages)
    assert korean == english
