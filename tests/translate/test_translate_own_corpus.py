"""What a demanding user still tripped on training a translator on their own corpus (session 21):
a verdict that called a model worse than copying the source "mostly wrong" and never said its
outputs were blank; train never printing the vocabulary sizes a corpus gave (not the ones asked for);
..."""

from __future__ import annotations

from rnnkit.cli import main
from rnnkit.translate.evaluation import evaluate_pairs, verdict
from rnnkit.translate.split import few_held_out
from rnnkit.translate.training import vocabulary_line
from rnnkit.translate.translator import Translation


class BlankTranslator:
    """What an undertrained model does: every output is the word-boundary piece alone, a blank."""

    def decoding(self) -> dict:
        return {"beam": 1, "alpha": 1.0, "no_repeat_ngram": 3, "coverage": 0.0, "mbr": False}

    def spells_numbers(self, given: bool | None) -> bool:
        return False

    def checks_numbers(self, given: bool | None) -> bool:
        return False

    def translate(self, sources: list[str], **_: object) -> list[Translation]:
        return [Translation(s, " ", [4, 4, 4], [], ["▁"] * 3, False, False) for s in sources]  # noqa: RUF001


def test_a_model_no_better_than_copying_the_source_is_said_to_be_so():
    """A streamed 2-epoch model scored chrF 0.0 beside copy-the-source's 1.0, and the verdict said
    "mostly wrong", as it says of a model at chrF 25."""
    said = verdict(1923, 0, 0.0, 1.0)
    assert said.endswith(
        "chrF 0.0 (copy-the-source 1.0): no better than copying the source sentence unchanged."
    )
    assert verdict(1923, 0, 1.0, 1.0).endswith(": no better than copying the source sentence unchanged.")
    assert verdict(154, 0, 6.2, 1.1).endswith(": mostly wrong.")  # above the copy: the band's words


def test_blank_outputs_are_counted_in_the_verdict():
    """Every output of that model was blank (`translate eval --show` printed 'out: ' again and again),
    and nothing in the scores said so."""
    pairs = [("I am a student.", "저는 학생이에요."), ("Where is the station?", "역이 어디예요?")]
    report = evaluate_pairs(BlankTranslator(), pairs, "ko")
    assert report.empty == 2
    assert report.verdict().endswith(
        "no better than copying the source sentence unchanged; every output empty."
    )
    assert verdict(10, 0, 3.0, 1.0, empty=4).endswith(": mostly wrong; 4 of 10 outputs empty.")
    assert verdict(10, 0, 3.0, 1.0).endswith(": mostly wrong.")


def test_train_prints_the_vocabularies_the_corpus_gave(tiny_corpus, tmp_path, capsys):
    """--vocab-size 200 gave 710 Korean pieces on a 1,500-pair corpus (every syllable is a piece) and
    159 English on 50 pairs; train printed neither, and the size was only in config.json."""
    from rnnkit.translate.translator import Translator

    args = ["--cell", "gru", "--embed", "8", "--hidden", "16", "--vocab-size", "40", "--epochs", "1",
            "--beam", "1", "--no-progress", "--device", "cpu", "--average-last", "0"]  # fmt: skip
    assert (
        main(["translate", "train", "--corpus", str(tiny_corpus), "--out", str(tmp_path / "r"), *args]) == 0
    )
    model = Translator.from_pretrained(tmp_path / "r" / "model")
    en, ko = model.src_tok.vocab_size, model.tgt_tok.vocab_size
    assert ko > 40  # the Korean side's syllables outnumber the pieces asked for
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("vocabularies: "))
    assert line.startswith(f"vocabularies: {en} en pieces, {ko} ko pieces (--vocab-size 40: raised "), line


def test_the_vocabulary_line_says_why_the_sizes_differ_from_the_one_asked():
    assert vocabulary_line([("en", 159), ("ko", 710)], 200) == (
        "vocabularies: 159 en pieces, 710 ko pieces (--vocab-size 200: raised to hold every character seen in "
        "training, fewer where the training split holds no more)"
    )


KOREAN_FIRST = [("저는 학생이에요.", "I am a student."), ("역이 어디예요?", "Where is the station?"),
                ("커피를 좋아해요.", "I like coffee.")]  # fmt: skip


def test_check_corpus_says_what_to_do_with_a_korean_first_file(tmp_path, capsys):
    """A TSV with Korean first listed "swapped" on every line and nothing to do about it, and
    --write-clean wrote a file of 0 pairs (every line dropped) with exit status 1."""
    corpus = tmp_path / "kofirst.tsv"
    corpus.write_text("".join(f"{ko}\t{en}\n" for ko, en in KOREAN_FIRST), encoding="utf-8")
    clean = tmp_path / "clean.tsv"
    code = main(["translate", "check-corpus", str(corpus), "--write-clean", str(clean)])
    out, err = capsys.readouterr()
    hint = "3 of 3 pairs hold Korean in column 1: the file's columns are the other way round; start it with a " \
        "header line naming them (korean<TAB>english)"  # fmt: skip
    assert hint in out, out
    assert code == 2 and not clean.exists()
    assert err.startswith("rnnkit: error: --write-clean: nothing written: ") and err.count("\n") == 1, err
    corpus.write_text("korean\tenglish\n" + corpus.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["translate", "check-corpus", str(corpus)]) == 0  # the header it names makes it clean


def test_a_few_swapped_lines_are_still_listed_one_by_one(tmp_path, capsys):
    corpus = tmp_path / "pairs.tsv"
    rows = [(en, ko) for ko, en in KOREAN_FIRST] + [KOREAN_FIRST[0]]
    corpus.write_text("".join(f"{a}\t{b}\n" for a, b in rows), encoding="utf-8")
    clean = tmp_path / "clean.tsv"
    assert main(["translate", "check-corpus", str(corpus), "--write-clean", str(clean)]) == 1
    out = capsys.readouterr().out
    assert "line 4: swapped: " in out and "column 1: the file's columns" not in out, out
    assert clean.read_text(encoding="utf-8").count("\n") == 3


def test_streamed_held_out_sets_keep_one_pair_per_source_as_whole_file_mode_does(tmp_path, capsys):
    """20,000 lines repeating 3,000 pairs streamed to '1923 test kept': each test sentence scored about
    seven times (whole-file mode scores it once), and the summary did not say the sets repeat."""
    from helpers_translate import write_anki
    from test_translate_stream_train import combined_pairs

    from rnnkit.translate.corpus import read_corpus
    from rnnkit.translate.split import split_pairs
    from rnnkit.translate.stream_corpus import PairStream
    from rnnkit.translate.stream_split import scan

    corpus = write_anki(tmp_path / "c.tsv", combined_pairs(150) * 3)
    whole = split_pairs(read_corpus(corpus)[0], seed=0, valid_frac=0.15, test_frac=0.15)
    found = scan(PairStream(corpus), seed=0, valid_frac=0.15, test_frac=0.15)
    assert sorted(found.test) == sorted(whole.test) and sorted(found.valid) == sorted(whole.valid)
    repeats = 2 * (len(whole.test) + len(whole.valid))
    assert found.counts["held_duplicates"] == repeats and found.counts["held_unused"] == 0
    assert f"over --held-out-max left out, {repeats} repeating a held-out source); " in found.summary()
    capped = scan(PairStream(corpus), seed=0, valid_frac=0.15, test_frac=0.15, held_max=3)
    assert capped.test == found.test[:3]  # the cap still keeps the lowest hashes, one pair each


def test_training_pairs_cut_to_the_length_limit_are_counted(tiny_corpus, tmp_path, capsys):
    """A corpus with paragraphs aligned as one line (60 sentences a line) trained on their first 127
    pieces, the target as if it ended there, without a word; --max-src-len 2 cuts every pair."""
    import re

    args = ["--cell", "gru", "--embed", "8", "--hidden", "16", "--vocab-size", "40", "--epochs", "1",
            "--beam", "1", "--no-progress", "--device", "cpu", "--average-last", "0"]  # fmt: skip
    out = tmp_path / "r"
    assert (
        main(
            [
                "translate",
                "train",
                "--corpus",
                str(tiny_corpus),
                "--out",
                str(out),
                *args,
                "--max-src-len",
                "2",
            ]
        )
        == 0
    )
    printed, err = capsys.readouterr()
    n_train = int(re.search(r"^split (\d+) train", printed, re.M).group(1))
    assert (
        f"rnnkit: warning: {n_train} training pairs longer than --max-src-len 2 pieces on a side were cut"
        in err
    )
    assert "split such lines into sentences, or raise --max-src-len" in err
    assert (
        main(["translate", "train", "--corpus", str(tiny_corpus), "--out", str(tmp_path / "s"), *args]) == 0
    )
    assert "were cut" not in capsys.readouterr().err  # the default limit cuts none of these short pairs


def test_text_warns_about_a_sentence_the_model_wrote_nothing_for():
    """`translate text --model` of an undertrained model printed empty lines and exit status 0, not a
    word on standard error."""
    from rnnkit.translate.stream import translate_stream

    printed, warned = [], []
    translate_stream(BlankTranslator(), [["I am a student.", "", "Where?"]], printed.append, warned.append)
    assert [t.text for t in printed] == [" ", " ", " "]
    assert warned == [
        f"line {n}: the model wrote nothing for it (an undertrained model writes blanks)" for n in (1, 3)
    ]


def test_train_warns_that_a_few_held_out_pairs_cannot_tell_runs_apart(tiny_corpus, tmp_path, capsys):
    """50 pairs split 41 / 3 / 6: the best epoch was chosen on 3 sentences and the verdict given on
    6, as if they measured the model."""
    args = ["--cell", "gru", "--embed", "8", "--hidden", "16", "--vocab-size", "40", "--epochs", "1",
            "--beam", "1", "--no-progress", "--device", "cpu", "--average-last", "0"]  # fmt: skip
    assert (
        main(["translate", "train", "--corpus", str(tiny_corpus), "--out", str(tmp_path / "r"), *args]) == 0
    )
    printed, err = capsys.readouterr()
    split = next(x for x in printed.splitlines() if x.startswith("split "))
    valid, test = split.split(" / ")[1].split()[0], split.split(" / ")[2].split()[0]
    assert f"rnnkit: warning: only {valid} validation and {test} test pairs: one sentence moves" in err, err
    assert few_held_out(30, 30) is None and few_held_out(2000, 29) is not None
