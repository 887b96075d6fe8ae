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


@pytest.mark.parametrize(
    ("numbers", "said"),
    [("5 *7 *0.9", "these have 2 outside [0, 1]:"), ("0.1 0.2", "these have 0 marked with *:"),
     ("*0.1 *0.2 *2", "these have 3 marked with * and 1 outside [0, 1]:")],
)  # fmt: skip
def test_numbers_the_adding_problem_never_has_are_said(numbers, said):
    with serving(None) as url, browser_page(1000) as page:
        page.goto(url + "/cells")
        page.select_option("#kind", "numbers")
        wait(page, "!document.querySelector('#go').disabled && !document.querySelector('#result').hidden")
        assert page.is_hidden("#unknown")  # the example: two marked, all in [0, 1]
        _run(page, numbers)
        assert said in page.text_content("#unknown") and page.is_visible("#unknown")


def test_what_was_typed_for_each_kind_comes_back_with_it():
    """A sentence typed, a look at the numbers, and back to sentences: the box held the example sentence,
    the one typed was gone. Each kind's box comes back as the user left it; a kind not typed in yet
    shows its example."""
    with serving(None) as url, browser_page(390, 844) as page:
        page.goto(url + "/cells")
        wait(page, "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled")
        _run(page, "The old man the boat.")
        page.select_option("#kind", "numbers")
        wait(
            page,
            "!document.querySelector('#go').disabled && document.querySelector('#input').value.includes('*')",
        )
        assert page.input_value("#input") == "0.2 *0.7 0.1 0.9 0.4 0.3 *0.5 0.8 0.6 0.1"  # its example
        page.fill("#input", "*0.3 0.1 *0.9")  # typed, not run
        page.select_option("#kind", "text")
        wait(page, "!document.querySelector('#go').disabled")
        assert page.input_value("#input") == "The old man the boat."
        page.select_option("#kind", "numbers")
        assert page.input_value("#input") == "*0.3 0.1 *0.9"
