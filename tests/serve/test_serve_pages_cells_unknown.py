"""Inside the cells says when a sentence is mostly pieces the translator does not know: Korean typed
into the sentence box was drawn as four steps of <unk> and a space, with no word why."""

from __future__ import annotations

import pytest
from helpers_serve import browser_page, serving, wait

pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")


def _run(page, text: str) -> None:
    page.fill("#input", text)
    page.click("#go")
    wait(page, "!document.querySelector('#go').disabled && !document.querySelector('#result').hidden")


def test_unknown_pieces_of_a_sentence_are_said():
    with serving(None) as url, browser_page(390, 844) as page:
        page.goto(url + "/cells")
        wait(page, "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled")
        assert page.is_hidden("#unknown")  # the example sentence: every piece known
        _run(page, "나는 학생입니다")
        note = page.text_content("#unknown")
        assert page.is_visible("#unknown") and note.startswith(
            "⚠ 2 of the 4 pieces are unknown to the translator"
        )
        _run(page, "The cat sat on the mat.")
        assert page.is_hidden("#unknown")
        page.select_option("#kind", "numbers")  # runs its example
        wait(
            page,
            "!document.querySelector('#go').disabled && document.querySelector('#input').value.includes('*')",
        )
        assert page.is_hidden("#unknown")
