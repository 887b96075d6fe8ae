"""The translate page's warnings stand apart from its score and notes."""

from __future__ import annotations

import pytest
from helpers_serve import browser_page, serving, wait

pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")


def test_a_warning_about_the_input_is_a_line_of_its_own_not_grey(models_dir):
    """QA (a student pasting Korean): "⚠ it looks like Korean; this model translates English to Korean"
    was grey small print inside one line with the score and the MBR note, under a big translation that
    looked sound; it is a line of its own now, first under the translation, in the warning colour."""
    with serving(models_dir) as base, browser_page(390, 844) as page:
        page.goto(base + "/translate")
        wait(
            page,
            "document.querySelector('#flags').textContent !== '' && !document.querySelector('#go').disabled",
        )
        assert page.locator("#flags .warn").count() == 0  # "I am a student." warns of nothing
        page.fill("#text", "안녕하세요, 저는 학생입니다.")
        page.click("#go")
        wait(page, "document.querySelector('#flags .warn') && !document.querySelector('#go').disabled")
        warning, score = page.evaluate(
            """() => [document.querySelector('#flags .warn'), document.querySelector('#flags span:not(.warn)')].map(e => {
                 const s = getComputedStyle(e), r = e.getBoundingClientRect();
                 return {text: e.textContent, color: s.color, weight: Number(s.fontWeight), top: r.top, bottom: r.bottom};
               })"""
        )
    assert warning["text"].startswith("⚠ it looks like Korean"), warning
    assert score["text"].startswith("score ") and "⚠" not in score["text"], score
    assert warning["color"] == "rgb(154, 100, 0)" and warning["weight"] >= 600, warning
    assert warning["bottom"] <= score["top"] + 1, (warning, score)  # above the score line, not in it
