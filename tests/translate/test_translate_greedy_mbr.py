"""``--beam 1 --mbr`` (session 33): greedy decoding has one hypothesis, none for minimum Bayes risk to
choose among, so MBR was turned off without a word (``--json``'s decoding said ``"mbr": false``)."""

from __future__ import annotations

from rnnkit.cli import main

NOTE = (
    "rnnkit: note: --mbr chooses among the beam's hypotheses, and a beam of 1 (greedy) has one: decoding "
    "greedily, without MBR (give --beam 2 or more for it)\n"
)


def test_text_says_greedy_mbr_is_off(tiny_model, capsys):
    args = ["translate", "text", "--model", str(tiny_model), "Hello."]
    assert main([*args, "--beam", "1", "--mbr"]) == 0
    assert capsys.readouterr().err.count(NOTE) == 1
    for more in (["--beam", "2", "--mbr"], ["--beam", "1"], ["--beam", "1", "--mbr", "--n-best", "2"]):
        assert main([*args, *more]) == 0
        assert NOTE not in capsys.readouterr().err, more


def test_eval_says_greedy_mbr_is_off(tiny_model, tiny_corpus, capsys):
    args = ["translate", "eval", "--model", str(tiny_model), "--corpus", str(tiny_corpus), "--split", "all"]
    assert main([*args, "--beam", "1", "--mbr", "--show", "0", "--no-progress"]) == 0
    assert capsys.readouterr().err.count(NOTE) == 1
