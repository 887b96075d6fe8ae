"""The demo section, quick mode: the shipped model's translations, then a toy model trained on the
bundled corpus, labelled as such."""

from __future__ import annotations

import re

from rnnkit.translate.demo import demo_section


def test_quick_demo_section(tmp_path):
    section = demo_section(tmp_path, seed=0, device="cpu", quick=True)
    html = section.to_html()
    assert "Translation: English to Korean" in html
    assert "copy the source" in html and "BLEU tokenisation" in html and "reference" in html
    assert "data:image/png;base64," in html
    assert (tmp_path / "attention.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "model" / "config.json").is_file()
    # the shipped model first, then the small model, labelled; a verdict for each
    shipped, small = (
        html.index("The shipped model"),
        html.index("A small model trained now, to show learning"),
    )
    assert shipped < small
    assert "trained on 42,543 pairs of the bundled corpus" in html  # its own training split, counted
    assert "I am a student." in html
    assert "<td>제 이름은 John이에요.</td>" in html  # a name the corpus never writes, carried through
    # a verdict block for each, as the other applications give theirs: rnnkit demo prints them
    shipped_verdict, small_verdict = section.verdicts
    assert shipped_verdict.startswith("shipped model: ") and small_verdict.startswith(
        "small model trained now: "
    )
    for verdict in section.verdicts:
        assert re.search(
            r": \d+ of \d+ translations exactly right \(\d+%\); chrF [\d.]+ \(copy-the-source", verdict
        )
    assert "chrF counts the character n-grams" in shipped_verdict  # chrF explained once, in one line
    assert html.count('<p class="verdict"><b>Verdict.</b> ') == 2 and "Verdict: " not in html
    # the attention plot is of the translation in the table: the same decoding
    alt = re.search(r'alt="attention heatmap: ([^"]*) → ([^"]*)"', html)
    cells = html.replace("<wbr>", "")  # a long run without spaces (a loop) may break in the table: same text
    assert alt is not None
    shown = re.search(rf'<td(?: lang="ko")?>{re.escape(alt.group(2))}</td>', cells)
    cut = [c for c in re.findall(r'<td(?: lang="ko")?>([^<]*) …</td>', cells) if alt.group(2).startswith(c)]
    assert shown or cut  # the whole translation, or (an undertrained model's run-on) its start, marked cut


def test_a_run_on_output_is_cut_and_marked_in_the_demo_table():
    from rnnkit.translate.demo import _cut

    assert _cut("짧아요", "짧아요.") == "짧아요"
    long = "가 " * 80
    assert _cut(long, "네.") == long[:40].rstrip() + " …"  # at least 40 characters kept
    assert _cut(long, "x" * 50) == long[:100].rstrip() + " …"  # else twice the reference's length


def test_rnnkit_demo_prints_the_translate_verdicts(tmp_path, monkeypatch, capsys):
    """The top-level demo prints every section's verdicts; translate's are among them."""
    import rnnkit.cli as root_cli

    monkeypatch.setattr(root_cli, "DEMO_SECTIONS", {"rnnkit.translate.demo": 1.0})
    assert (
        root_cli.main(["demo", "--quick", "--threads", "1", "--device", "cpu", "--out", str(tmp_path / "d")])
        == 0
    )
    out = capsys.readouterr().out
    assert "verdict: shipped model: " in out and "verdict: small model trained now: " in out
    assert 'class="verdict"' in (tmp_path / "d" / "report.html").read_text(encoding="utf-8")


def test_a_short_training_time_is_not_said_to_be_zero_seconds():
    """The quick demo's one epoch took 0.4 s and the report said "trained for 1 epoch in 0 s"."""
    from rnnkit.translate.demo import _seconds

    assert [_seconds(s) for s in (0.42, 9.96, 10.4, 95.6)] == ["0.4 s", "10.0 s", "10 s", "96 s"]
