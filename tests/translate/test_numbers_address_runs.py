"""An e-mail address is looked for only from the start of a run of the letters it may hold: tried from
inside one too, a long word cost its length squared (``translate text`` of one line of 200,000 ``a``
took ten minutes, spent in this pattern). The addresses found are the same."""

from __future__ import annotations

import pytest

from rnnkit.translate.numbers import ADDRESS


def test_no_address_is_tried_from_inside_a_run_of_its_letters():
    assert ADDRESS.match("bob@example.com", 1) is None  # "ob@example.com" is no start: b is in the run
    assert ADDRESS.match("bob@example.com", 0).group(0) == "bob@example.com"
    assert ADDRESS.match("my-docs/a.txt", 3) is None  # a path is not tried again after each hyphen
    assert ADDRESS.match("my-docs/a.txt", 0).group(0) == "my-docs/a.txt"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("mail bob.smith+x@example.co.kr now", ["bob.smith+x@example.co.kr"]),
        ("write to 1004@kakao.com, then 2@b.org.", ["1004@kakao.com", "2@b.org"]),
        ("(-x@y.com)", ["-x@y.com"]),
        ("see https://x.org/a.", ["https://x.org/a"]),
        ("a" * 100_000, []),
        ("a-" * 50_000, []),
        ("read my-docs/2024/notes.txt and --x/y.md", ["my-docs/2024/notes.txt", "--x/y.md"]),
    ],
)
def test_the_addresses_found_are_as_before(text, found):
    assert [m.group(0) for m in ADDRESS.finditer(text)] == found
