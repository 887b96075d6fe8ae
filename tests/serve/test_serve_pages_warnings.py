"""The pages' warnings (translate's, the forecast's) stand apart from their scores and notes."""

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


def test_a_forecast_warning_is_a_line_of_its_own_not_grey(models_dir):
    """QA: the forecast's warnings ("dates ... fit no single format; each was read on its own, so check
    them") ran on as "Warning: ..." in the grey small print of the series' notes; each is a line of its
    own in the warning colour now, as translate's."""
    import pandas as pd

    days = pd.date_range("2021-01-01", periods=120, freq="D")
    rows = "".join(f"{day:%b-%d-%y},{100 + i % 7}\n" for i, day in enumerate(days))
    with serving(models_dir) as base, browser_page(390, 844) as page:
        page.goto(base + "/forecast")
        wait(page, "document.querySelector('#model option') && !document.querySelector('#go').disabled")
        page.set_input_files(
            "#file",
            files=[{"name": "odd.csv", "mimeType": "text/csv", "buffer": f"Date,Sales\n{rows}".encode()}],
        )
        page.click("#go")
        wait(page, "document.querySelector('#about').textContent.startsWith('odd.csv')")
        warnings = page.evaluate(
            "[...document.querySelectorAll('#about .warn')].map(e => [e.textContent, getComputedStyle(e).color,"
            " getComputedStyle(e).display])"
        )
        about = page.inner_text("#about")
    assert len(warnings) == 1 and warnings[0][0].startswith("⚠ dates in column 'Date' such as"), (
        warnings,
        about,
    )
    assert warnings[0][1:] == ["rgb(154, 100, 0)", "block"], warnings
    assert "Warning:" not in about, about
