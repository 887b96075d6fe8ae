"""The captioning section of ``rnnkit demo`` in its quick form."""

import json
import re

from rnnkit.caption.demo import demo_section


def test_quick_demo_section(tmp_path):
    section = demo_section(tmp_path / "caption", seed=0, device="cpu", quick=True)
    html = section.to_html()
    assert section.title.startswith("Captioning")
    assert "held-out pairs: most frequent caption" in html and "seen pairs: LSTM + attention" in html
    assert "handwritten numbers" in html and "CC BY 4.0" in html
    assert html.count("data:image/png;base64,") == 3
    assert len(section.verdicts) == 2 and "colour" in section.verdicts[0] and "digits" in section.verdicts[1]
    for name in ("model/config.json", "model/ood.json", "digits_model/config.json", "captions.png",
                 "attention.png", "digits.png", "digits_data/README.md"):  # fmt: skip
        assert (tmp_path / "caption" / name).is_file(), name
    scores = json.loads((tmp_path / "caption" / "scores.json").read_text())
    assert "colour precision" in scores["shapes"]["test_heldout"]["model"]
    assert "sequence accuracy" in scores["digits"]["test"]["model"]
    # the glossary defines the terms its tables show and no other (it defined size precision and recall)
    glossary = re.search(r'<dl class="metrics note">(.*?)</dl>', html, re.S).group(1)
    headers = {h for _, heads, _ in section.tables for h in heads}
    assert "size precision" not in glossary and "sizes" not in glossary
    # recall is defined because the table shows shape recall (the verdict gives its share)
    assert "shape recall" in headers and "recall: of those drawn, the share named" in glossary
    terms = re.findall(r"<dt>(.*?)</dt>", glossary)
    cells = {str(c) for _, _, rows in section.tables for row in rows for c in row[1:]}
    for term in terms:
        if term in ("most frequent caption", "–"):
            continue
        for part in term.split(" / "):
            word = part.split()[0]
            assert any(h.startswith(word) for h in headers), (term, headers)
    # and every term they show: the baseline's rows and a "–" cell (QA: neither was defined)
    assert "most frequent caption" in terms
    assert ("–" in terms) == ("–" in cells), (terms, cells)


def test_glossary_defines_a_dash_cell_only_when_shown():
    from rnnkit.caption.demo import glossary

    dashed = glossary([["seen pairs: most frequent caption", 0.29, 0.125, "–"]])
    assert dashed["–"].startswith("does not apply") and "most frequent caption" in dashed
    assert "–" not in glossary([["captioner", 0.0, 0.08, 0.69]])
