"""The demo section: trains on both demo sets (quick mode) and reports tables, verdicts and plots."""

from __future__ import annotations

import html as html_module
import json
import re

from rnnkit.forecast.demo import DEMO_SETS, METRICS_EXPLAINED, demo_section


def test_quick_demo_section(tmp_path):
    section = demo_section(tmp_path, seed=0, device="cpu", quick=True)
    html = section.to_html()
    assert section.title.startswith("Forecasting")
    assert html.count("<table>") == len(DEMO_SETS)
    assert html.count("data:image/png;base64,") == 2 * len(DEMO_SETS)
    assert "naive forecast" in html
    for name in DEMO_SETS:
        assert (tmp_path / name / "model" / "model.safetensors").is_file()
    # a screen reader hears what each plot shows, not a bare label ("ibm forecasts")
    alts = re.findall(r'<img[^>]* alt="([^"]*)"', html)
    assert len(alts) == 2 * len(DEMO_SETS) and all(len(alt.split()) >= 8 for alt in alts), alts
    # what each model row is (the network, a blend with the linear AR, or the AR), as forecast train says
    for name in DEMO_SETS:
        blend = json.loads((tmp_path / name / "metrics.json").read_text())["linear_blend"]
        assert html_module.escape(f"Linear blend: {blend['reason']}.") in html


def test_the_sections_words_fit_both_series_not_only_the_daily_prices(tmp_path):
    """QA (demo --quick): above the glucose series (mg/dL every 5 minutes) the section said forecasts are
    scored 'in price units', the naive forecast is 'tomorrow = today' and MASE divides by its error 'on the
    training days'. The words shared by both series name no day and no price."""
    text = html_module.unescape(
        re.sub(r"<[^>]+>", "", demo_section(tmp_path, seed=0, device="cpu", quick=True).to_html())
    )
    shared = [p for p in text.split("\n") if p.startswith("A window of the last")]
    assert len(shared) == 1 and html_module.escape(METRICS_EXPLAINED["MASE"]) in html_module.escape(text)
    shared.append(METRICS_EXPLAINED["MASE"])
    for words in shared:
        assert "price units" not in words and "tomorrow" not in words and "training days" not in words, words
