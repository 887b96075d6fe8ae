"""What a demanding user still tripped on with the shipped translator (session 22): ``translate text``
had no ``--json`` (``caption describe`` has one; a script had to parse the printed n-best lines and
the warnings on stderr and match them up by line number); the attention plot of "My name is John."
labelled its columns ``_Junho`` with nothing saying why; and ``--n-best``'s help never said what its
scores are, nor that the shipped model's MBR output need not be the first of them."""

from __future__ import annotations

import json

from rnnkit.cli import main
from rnnkit.translate.translator import Translation


def _printed_and_json(args: list[str], tmp_path, capsys) -> tuple[list[str], str, dict]:
    out = tmp_path / "out.json"
    assert main(["translate", "text", *args, "--json", str(out)]) == 0
    captured = capsys.readouterr()
    return captured.out.splitlines(), captured.err, json.loads(out.read_text(encoding="utf-8"))


def test_text_json_holds_every_line_as_printed(tiny_model, tmp_path, capsys):
    """An empty line, a sentence, and markup (warned about, by line) give three JSON lines whose texts
    are the printed lines and whose warnings are the ones stderr named for that line."""
    src = tmp_path / "in.txt"
    src.write_text("\nI am a student.\n<b>Thank you.</b>\n", encoding="utf-8")
    printed, err, doc = _printed_and_json(["--model", str(tiny_model), "--input", str(src), "--beam", "2"],
                                          tmp_path, capsys)  # fmt: skip
    lines = doc["lines"]
    assert [d["line"] for d in lines] == [1, 2, 3]
    assert [d["source"] for d in lines] == ["", "I am a student.", "<b>Thank you.</b>"]
    assert [d["text"] for d in lines] == printed
    assert lines[0]["warnings"] == [] and lines[1]["warnings"] == []
    markup = "it holds HTML markup, which the model reads as words; give plain text"
    assert markup in lines[2]["warnings"]
    said = [w.removeprefix("rnnkit: warning: line 3: ") for w in err.splitlines() if "line 3: " in w]
    assert lines[2]["warnings"] == said  # each one stderr named for line 3, in its order
    assert doc["model"] == str(tiny_model) and (doc["src_lang"], doc["tgt_lang"]) == ("en", "ko")
    assert doc["decoding"]["beam"] == 2 and doc["decoding"]["n_best"] == 1
    assert lines[1]["alternatives"] is None and isinstance(lines[1]["score"], float)


def test_text_json_n_best_lists_are_the_printed_ones(tiny_model, tmp_path, capsys):
    """With --n-best, each JSON line's alternatives are the ranks printed, texts and scores (to the
    printed three decimals), in the printed order; the JSON also keeps the translation itself."""
    args = ["--model", str(tiny_model), "--n-best", "3", "I am a student.", "Thank you."]
    printed, _, doc = _printed_and_json(args, tmp_path, capsys)
    assert [d["source"] for d in doc["lines"]] == ["I am a student.", "Thank you."]
    for d, start in zip(doc["lines"], (0, 4), strict=True):
        assert printed[start] == d["source"]
        ranks = printed[start + 1 : start + 4]
        assert [line.split("\t")[1] for line in ranks] == [a["text"] for a in d["alternatives"]]
        assert [line.split("\t")[0].split()[1] for line in ranks] == [
            f"{a['score']:.3f}" for a in d["alternatives"]
        ]
        assert d["text"]  # the translation printed without --n-best
    assert doc["decoding"]["n_best"] == 3 and doc["decoding"]["beam"] >= 3


def test_text_json_naming_the_file_read_is_refused(tiny_model, tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_text("Hi.\n", encoding="utf-8")
    code = main(["translate", "text", "--model", str(tiny_model), "--input", str(src), "--json", str(src),
                 "--force"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("rnnkit: error: ") and err.count("\n") == 1, err
    assert f"--json {src} is the input" in err and "never writes over what it reads" in err
    assert src.read_text(encoding="utf-8") == "Hi.\n"


def test_translation_to_json_keeps_what_a_reader_needs():
    t = Translation("My name is John.", "제 이름은 John이에요.", [5, 6], ["▁My"], ["▁제"], False, False,
                    score=-1.5, alternatives=[("제 이름은 John이에요.", -1.5)], read_as="My name is Junho.",
                    names_carried=["John"], numbers_missing=None)  # fmt: skip
    doc = t.to_json()
    assert doc["text"] == "제 이름은 John이에요." and doc["score"] == -1.5
    assert doc["read_as"] == "My name is Junho." and doc["names_carried"] == ["John"]
    assert doc["alternatives"] == [{"text": "제 이름은 John이에요.", "score": -1.5}]
    assert doc["numbers_missing"] == [] and doc["unreadable"] is False
    json.dumps(doc)  # plain JSON values only: no tensors, no ids


def test_the_plot_title_says_how_the_model_read_a_carried_name(tmp_path, monkeypatch, capsys):
    """The shipped model reads an unknown name as a corpus name: the heatmap's columns say _Junho for
    John, so its title says the sentence as the model read it."""
    import rnnkit.translate.plots as plots

    titles = []
    real = plots.attention_heatmap

    def spy(weights, src, tgt, title=""):  # noqa: ANN001, ANN202
        titles.append((title, list(src)))
        return real(weights, src, tgt, title)

    monkeypatch.setattr(plots, "attention_heatmap", spy)
    plot = tmp_path / "att.png"
    assert (
        main(["translate", "text", "--beam", "2", "--no-mbr", "--plot", str(plot), "My name is John."]) == 0
    )
    title, src = titles[0]
    assert "▁Junho" in src
    assert title.endswith("(the model read: My name is Junho.)"), title
    assert plot.read_bytes()[:4] == b"\x89PNG"


def test_n_best_help_says_what_the_scores_are(capsys):
    assert main(["translate", "text", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "log- probability over the length penalty: nearer 0 is more likely" in help_text
    assert "may rank lower or not be listed" in help_text


def test_eval_of_another_corpus_says_its_test_split_is_a_part_of_it(tmp_path, capsys):
    """The shipped model scored on a user's three pairs printed "test pairs: 1" and nothing about the
    other two: a corpus the model was not trained on is split as any corpus is, a tenth to test."""
    mine = tmp_path / "mine.tsv"
    mine.write_text("I am a student.\t저는 학생이에요.\nWhere is the station?\t역이 어디예요?\n"
                    "I like coffee.\t저는 커피를 좋아해요.\n", encoding="utf-8")  # fmt: skip
    args = ["translate", "eval", "--corpus", str(mine), "--beam", "1", "--no-mbr", "--no-progress"]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "test pairs: 1;" in captured.out
    assert (
        f"rnnkit: note: the model was trained on the bundled corpus, not {mine}: its test split takes 1 of "
        "the 3 pairs read from it; --split all scores them all"
    ) in captured.err
    assert main([*args, "--split", "all"]) == 0
    assert "rnnkit: note: the model was trained" not in capsys.readouterr().err


def test_eval_of_the_model_s_own_corpus_has_no_note(tiny_model, tiny_corpus, capsys):
    assert (
        main(["translate", "eval", "--model", str(tiny_model), "--corpus", str(tiny_corpus), "--no-progress"])
        == 0
    )
    assert "rnnkit: note: the model was trained" not in capsys.readouterr().err


def test_eval_of_too_few_pairs_to_split_names_split_all(tmp_path, capsys):
    one = tmp_path / "one.tsv"
    one.write_text("I am a student.\t저는 학생이에요.\n", encoding="utf-8")
    code = main(["translate", "eval", "--corpus", str(one), "--beam", "1", "--no-mbr", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("rnnkit: error: ") and err.count("\n") == 1, err
    assert err.rstrip().endswith("; --split all scores every pair"), err


def test_text_json_decoding_is_the_one_used(tmp_path, capsys):
    """Greedy decoding makes no MBR choice: --json said "mbr": true for --beam 1 (the model's own MBR)."""
    _, _, doc = _printed_and_json(["--beam", "1", "I am tired."], tmp_path, capsys)
    assert doc["decoding"]["beam"] == 1 and doc["decoding"]["mbr"] is False
    assert doc["decoding"]["spell_numbers"] is True and doc["decoding"]["check_numbers"] is True
    _, _, doc = _printed_and_json(
        ["--beam", "2", "--keep-numbers", "--force", "I am tired."], tmp_path, capsys
    )
    assert doc["decoding"]["mbr"] is True and doc["decoding"]["spell_numbers"] is False


def test_text_json_is_written_as_it_goes_and_whole_or_not_at_all(tiny_model, tmp_path, monkeypatch, capsys):
    """Each line's entry is on disk once translated (a file of 100,000 lines held them all to the end),
    in a temporary file that replaces --json only when every line is done: a Ctrl-C leaves none."""
    from rnnkit.translate.translator import Translator

    src = tmp_path / "in.txt"
    src.write_text("I am a student.\nThank you.\nGood morning.\n", encoding="utf-8")
    out = tmp_path / "out.json"
    real, seen = Translator.translate, []

    def translate(self, sources, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if seen:  # the second batch: the first line's entry is written already, to a temporary file
            written = [p.read_text("utf-8", "replace") for p in tmp_path.iterdir() if p.name != "in.txt"]
            assert any('"line": 1' in text for text in written) and not out.exists()
            raise KeyboardInterrupt
        seen.append(sources)
        return real(self, sources, *args, **kwargs)

    monkeypatch.setattr(Translator, "translate", translate)
    args = ["--model", str(tiny_model), "--input", str(src), "--batch-size", "1", "--no-progress"]
    assert main(["translate", "text", *args, "--json", str(out)]) != 0
    capsys.readouterr()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt"]  # no out.json, no temporary
