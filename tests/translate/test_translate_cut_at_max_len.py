"""A translation cut by ``--max-len`` (session 33): ``translate text --max-len 3 "I am a student."``
printed "저는 학생이에요" (the sentence's end cut off) as if whole, with no word; only --json's
``stopped_at_max_len`` said it. It is warned about, by line, where the limit given (or the model's own)
stopped it below the source's own limit (2 x its pieces + 10); a loop that the source's limit ends (an
undertrained model) is not called cut short."""

from __future__ import annotations

import json

from rnnkit.cli import main
from rnnkit.translate.translator import Translation

CUT = (
    "rnnkit: warning: line {}: the translation is cut short: it reached the length limit of 3 pieces "
    "before the model ended it; a larger --max-len lets it finish\n"
)


def test_a_translation_cut_at_max_len_is_warned_about(tmp_path, capsys):
    doc = tmp_path / "t.json"
    lines = ["I am a student.", "Hello.", "...", "I am a student. Hello."]
    args = ["translate", "text", "--beam", "1", "--max-len", "3", "--json", str(doc)]
    assert main([*args, *lines]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[:3] == ["저는 학생이에요", "안녕하세요.", "..."]
    assert err == CUT.format(1) + CUT.format(4)  # a sentence of several cut: the line named
    warned = [d["warnings"] for d in json.loads(doc.read_text(encoding="utf-8"))["lines"]]
    said = CUT.format(1).removeprefix("rnnkit: warning: line 1: ").strip()
    assert warned == [[said], [], [], [said]]


def test_no_warning_without_a_cut(capsys):
    assert main(["translate", "text", "--beam", "1", "I am a student."]) == 0
    assert capsys.readouterr() == ("저는 학생이에요.\n", "")


def test_a_loop_the_source_limit_ends_is_not_cut_short(tiny_model):
    from rnnkit.loading import load

    tr = load(tiny_model)
    (t,) = tr.translate(["I am a student."], beam=1)
    assert isinstance(t, Translation) and not t.cut_at_max_len
    (t,) = tr.translate(["I am a student."], beam=1, max_len=2)
    assert t.hit_max and t.cut_at_max_len


def test_a_translation_that_ends_at_the_limit_is_not_cut_short(tmp_path, capsys):
    # --max-len 4 counted the end token: the four pieces of 저는 학생이에요. (the uncapped translation)
    # left it no room, and they were warned of as cut short
    for beam in ("1", "5"):
        doc = tmp_path / f"beam{beam}.json"
        assert (
            main(
                ["translate", "text", "--beam", beam, "--max-len", "4", "--json", str(doc), "I am a student."]
            )
            == 0
        )
        assert capsys.readouterr() == ("저는 학생이에요.\n", "")
        (line,) = json.loads(doc.read_text(encoding="utf-8"))["lines"]
        assert not line["stopped_at_max_len"] and line["warnings"] == []


def test_max_len_counts_the_pieces_of_a_cut_translation(tiny_model):
    from rnnkit.loading import load

    tr = load(tiny_model)
    for beam, n_best in ((1, 1), (3, 1), (3, 3)):
        (t,) = tr.translate(["I am a student."], beam=beam, n_best=n_best, max_len=2, attention=True)
        assert t.hit_max and len(t.ids) == 2 and len(t.tgt_pieces) == 2 and t.attention.shape[0] == 2
