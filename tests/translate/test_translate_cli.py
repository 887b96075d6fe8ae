"""``rnnkit translate train|eval|text`` end to end on a tiny corpus, and bad input."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from helpers_translate import TINY_PAIRS, TINY_TRAIN_ARGS, write_anki

from helpers_models import assert_model_card
from rnnkit.cli import main


def one_line_error(capsys, code: int, needle: str) -> None:
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("rnnkit: error: ") and err.count("\n") == 1, err
    assert needle in err, err


def test_train_declares_everything_it_writes_in_its_run_folder(tiny_model):
    """Each entry is checked before any work, and --force never writes over a user's entry of its name
    (average/ with --average-last, on by default; a streamed run's state folder with --stream)."""
    from rnnkit.translate.training import AVERAGE_FOLDER, RUN_FILES
    from rnnkit.utils.runs import RUN_ENTRIES

    declared = {".rnnkit", "model", AVERAGE_FOLDER, *(n.rstrip("/") for n in (*RUN_ENTRIES, *RUN_FILES))}
    assert set(os.listdir(tiny_model.parent)) == declared


def test_force_keeps_a_users_stream_and_average_folders_a_run_does_not_write(tiny_corpus, tmp_path, capsys):
    """``stream/`` and ``average/`` were declared whether or not the run writes them: ``translate train
    --out MINE --force`` was refused for a user's ``MINE/stream/`` without ``--stream``, and for
    ``MINE/average/`` with ``--average-last 0`` (such a run neither writes nor deletes it)."""
    mine = tmp_path / "mine"
    for name in ("stream", "average"):
        (mine / name).mkdir(parents=True)
        (mine / name / "notes.txt").write_text("mine")
    args = [
        "translate",
        "train",
        "--corpus",
        str(tiny_corpus),
        "--out",
        str(mine),
        "--force",
        *TINY_TRAIN_ARGS,
    ]
    one_line_error(capsys, main(args), "holds average, which this command writes there")
    assert main([*args, "--average-last", "0"]) == 0
    for name in ("stream", "average"):
        assert sorted(os.listdir(mine / name)) == ["notes.txt"]


def test_train_writes_a_whole_model_folder(tiny_model):
    names = sorted(p.name for p in tiny_model.iterdir())
    assert names == ["README.md", "config.json", "model.safetensors", "provenance.json", "src.spm", "tgt.spm"]
    card = assert_model_card(tiny_model, "translate train", "copy the source")
    assert "rnnkit translate model: en to ko" in card and f"{len(TINY_PAIRS)} pairs read" in card
    data = card[card.index("## Data") : card.index("## Scores")]
    assert (
        "{" not in data and str(tiny_model.parent.parent) not in data
    )  # the file's name, not a dict or a path
    cfg = json.loads((tiny_model / "config.json").read_text(encoding="utf-8"))
    assert cfg["application"] == "translate" and (cfg["src_lang"], cfg["tgt_lang"]) == ("en", "ko")
    assert cfg["model"]["cell"] == "gru" and cfg["training"]["epochs_run"] == 2
    assert set(cfg["training"]["history"][0]) >= {"train_loss", "val_loss", "val_chrf"}
    assert cfg["test_scores"]["model"]["bleu_tokenizer"] in ("char", "ko-mecab")
    assert cfg["data"]["read"]["pairs"] == len(TINY_PAIRS)


def test_eval_prints_scores_baseline_and_signature(tiny_model, tiny_corpus, tmp_path, capsys):
    out = tmp_path / "scores.json"
    code = main(["translate", "eval", "--model", str(tiny_model), "--corpus", str(tiny_corpus), "--beam", "1",
                 "--no-progress", "--json-out", str(out), "--show", "1"])  # fmt: skip
    text = capsys.readouterr().out
    assert code == 0
    assert "read 30 pairs" in text and "\ntest pairs: 4; decoding" in text and "split of" not in text
    assert "copy the source: chrF" in text and "BLEU signature: nrefs:1" in text
    assert "BLEU tokenisation: " in text and "src: " in text and "ref: " in text
    scores = json.loads(out.read_text(encoding="utf-8"))
    assert (
        scores["split"] == "test" and scores["n"] == 4 and scores["decoding"] == "greedy, no repeated 3-gram"
    )
    assert 0.0 <= scores["loop_rate"] <= 1.0


def test_text_arguments_file_stdin_and_plot(tiny_model, tmp_path, capsys, monkeypatch):
    code = main(["translate", "text", "--model", str(tiny_model), "I am a student.", "☃ ünknown 学生 😀"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0 and len(out) == 2

    src = tmp_path / "in.txt"
    src.write_text("I like coffee.\n\nThank you.\n", encoding="utf-8")
    dest = tmp_path / "out.txt"
    plot = tmp_path / "att.png"
    code = main(["translate", "text", "--model", str(tiny_model), "--input", str(src), "--output", str(dest),
                 "--beam", "3", "--batch-size", "2", "--attention-plot", str(plot)])  # fmt: skip
    assert code == 0
    assert "translating: 3/3" in capsys.readouterr().err  # its lines, the empty one too
    lines = dest.read_text(encoding="utf-8").split("\n")
    assert len(lines) == 4 and lines[1] == "" and lines[3] == ""  # empty line kept in place
    assert plot.read_bytes()[:4] == b"\x89PNG"

    monkeypatch.setattr(sys, "stdin", io.StringIO("It is cold today.\nI am tired.\n"))
    code = main(["translate", "text", "--model", str(tiny_model), "--beam", "1"])
    assert code == 0 and len(capsys.readouterr().out.splitlines()) == 2


def test_text_over_long_input_is_truncated_with_a_warning(tiny_model, capsys):
    long = " ".join(["student"] * 300)
    code = main(["translate", "text", "--model", str(tiny_model), "--beam", "1", "--max-len", "5", long])
    captured = capsys.readouterr()
    assert code == 0 and len(captured.out.splitlines()) == 1
    assert "warning: line 1: longer than 128 tokens" in captured.err


def test_korean_to_english_with_luong_dot_lstm(tiny_corpus, tmp_path, capsys):
    out = tmp_path / "ko-en"
    args = [a for a in TINY_TRAIN_ARGS]
    args[args.index("gru")] = "lstm"
    args[args.index("--epochs") + 1] = "1"
    code = main(["translate", "train", "--corpus", str(tiny_corpus), "--out", str(out), "--src-lang", "ko",
                 "--tgt-lang", "en", "--attention", "luong", "--luong-score", "dot", "--teacher-forcing", "0.5",
                 "--layers", "2", *args])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert "BLEU tokenisation: 13a" in capsys.readouterr().out
    cfg = json.loads((out / "model" / "config.json").read_text(encoding="utf-8"))
    assert (cfg["src_lang"], cfg["model"]["attention"], cfg["model"]["luong_score"]) == ("ko", "luong", "dot")
    assert main(["translate", "text", "--model", str(out), "저는 학생이에요."]) == 0
    code = main(["translate", "eval", "--model", str(out), "--corpus", str(tiny_corpus), "--tgt-lang", "ko"])
    one_line_error(capsys, code, "translates ko->en, not ko->ko")


def test_text_does_not_import_the_training_engine(tiny_model):
    probe = (
        "import sys; from rnnkit.cli import main; "
        f"code = main(['translate', 'text', '--model', {str(tiny_model)!r}, 'Thank you.']); "
        "bad = [m for m in ('accelerate', 'rnnkit.train.engine') if m in sys.modules]; "
        "print('LOADED', bad); sys.exit(code)"
    )
    res = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "LOADED []" in res.stdout


def test_out_is_the_run_folder_and_every_reader_takes_it_or_its_model(tiny_model, capsys):
    """``train --out R`` writes the model to R/model beside the checkpoints; ``text --model R`` and
    ``--model R/model`` translate alike, and so do ``rnnkit.load`` and ``translate average``."""
    import rnnkit
    from rnnkit.translate.translator import Translator

    run = tiny_model.parent
    assert {"model", "checkpoints", "metrics.csv", "run.json"} <= {p.name for p in run.iterdir()}
    assert (run / "checkpoints" / "LATEST").is_file()
    outputs = []
    for model in (run, run / "model"):
        capsys.readouterr()
        assert main(["translate", "text", "--model", str(model), "--beam", "1", "Thank you.", "Hi."]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] and outputs[0].count("\n") == 2
    loaded = rnnkit.load(run)
    assert isinstance(loaded, Translator) and loaded.config == Translator.from_pretrained(tiny_model).config
    assert [t.text for t in loaded.translate(["Thank you.", "Hi."], beam=1)] == outputs[0].splitlines()


@pytest.mark.parametrize(
    "extra,needle",
    [
        (["--corpus", "{tmp}/missing.tsv"], "corpus file not found"),
        (["--corpus", "{tmp}/empty.tsv"], "no usable sentence pairs"),
        (["--src-file", "{tmp}/a.en", "--tgt-file", "{tmp}/b.ko"], "differ in line count"),
        (["--corpus", "{tmp}/c.csv", "--src-col", "eng_text"], "no column 'eng_text'"),
        (["--corpus", "{tmp}/tiny.tsv", "--hidden", "7"], "even --hidden-size"),
        (["--corpus", "{tmp}/tiny.tsv", "--teacher-forcing", "1.5"], "--teacher-forcing"),
        (["--attention", "transformer"], "Invalid value for '--attention'"),
    ],
)
def test_train_bad_input_leaves_no_folder(tmp_path, capsys, extra, needle):
    (tmp_path / "empty.tsv").write_text("# nothing\n\n", encoding="utf-8")
    (tmp_path / "a.en").write_text("a\nb\n", encoding="utf-8")
    (tmp_path / "b.ko").write_text("가\n", encoding="utf-8")
    (tmp_path / "c.csv").write_text("en,ko\nHi.,안녕.\n", encoding="utf-8")
    write_anki(tmp_path / "tiny.tsv")
    out = tmp_path / "run"
    args = [a.format(tmp=tmp_path) for a in extra]
    code = main(["translate", "train", "--out", str(out), "--epochs", "1", "--no-progress", *args])
    one_line_error(capsys, code, needle)
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith((".run", ".model"))]


def test_text_and_eval_bad_input(tiny_model, tmp_path, capsys, monkeypatch):
    code = main(["translate", "text", "--model", str(tmp_path / "nope"), "Hello."])
    one_line_error(capsys, code, "model folder not found")
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n  \n"))
    code = main(["translate", "text", "--model", str(tiny_model)])
    one_line_error(capsys, code, "no text to translate")
    code = main(["translate", "text", "--model", str(tiny_model), "--input", str(tmp_path / "x.txt")])
    one_line_error(capsys, code, "input file not found")
    fake = tmp_path / "forecast-model"
    fake.mkdir()
    (fake / "config.json").write_text('{"application": "forecast"}', encoding="utf-8")
    (fake / "model.safetensors").write_bytes(b"")
    code = main(["translate", "eval", "--model", str(fake)])
    one_line_error(capsys, code, "not a 'translate' model")
    dest = tmp_path / "out.txt"
    code = main(
        ["translate", "text", "--model", str(tiny_model), "--beam", "0", "--output", str(dest), "Hi."]
    )
    one_line_error(capsys, code, "Invalid value for '--beam'")
    assert not dest.exists()


def test_attention_plot_of_a_model_without_attention_is_an_error(tmp_path, capsys):
    from rnnkit.train.modelfile import save_model
    from rnnkit.translate.model import Seq2Seq, Seq2SeqConfig
    from rnnkit.translate.tokenizer import Tokenizer

    src = Tokenizer.train([en for en, _ in TINY_PAIRS], 40)
    tgt = Tokenizer.train([ko for _, ko in TINY_PAIRS], 40)
    cfg = Seq2SeqConfig(
        src.vocab_size, tgt.vocab_size, cell="rnn", embed_size=4, hidden_size=8, attention="none"
    )
    folder = tmp_path / "no-attention"
    config = {"application": "translate", "src_lang": "en", "tgt_lang": "ko", "model": cfg.to_dict()}
    save_model(folder, Seq2Seq(cfg), config, files={"src.spm": src.model_bytes, "tgt.spm": tgt.model_bytes})
    assert main(["translate", "text", "--model", str(folder), "--beam", "1", "Hi."]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    plot = tmp_path / "att.png"
    code = main(["translate", "text", "--model", str(folder), "--attention-plot", str(plot), "Hi."])
    one_line_error(capsys, code, "no attention")
    assert not plot.exists()


def test_n_best_prints_ranked_translations_with_scores(tiny_model, capsys):
    code = main(
        ["translate", "text", "--model", str(tiny_model), "--n-best", "3", "I am a student.", "Thank you."]
    )
    out = capsys.readouterr().out.splitlines()
    assert code == 0 and len(out) == 8
    assert out[0] == "I am a student." and out[4] == "Thank you."
    scores = [float(line.split("\t")[0].split()[1]) for line in out[1:4]]
    assert [line.split(".")[0].strip() for line in out[1:4]] == ["1", "2", "3"]
    assert scores == sorted(scores, reverse=True)
    first = main(["translate", "text", "--model", str(tiny_model), "--beam", "3", "I am a student."])
    assert first == 0 and capsys.readouterr().out.strip() == out[1].split("\t")[1]


def test_eval_prints_a_verdict_and_explains_chrf(tiny_model, tiny_corpus, capsys):
    code = main(["translate", "eval", "--model", str(tiny_model), "--corpus", str(tiny_corpus), "--split", "all",
                 "--no-progress", "--no-repeat-ngram", "2", "--coverage", "0.2"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "Verdict: " in out and f"of {len(TINY_PAIRS)} translations exactly right" in out
    assert "chrF counts the character n-grams" in out
    assert "no repeated 2-gram, coverage 0.2" in out
    assert f"corpus pairs: {len(TINY_PAIRS)}; decoding" in out  # the pairs are named as what they are
    assert main(["translate", "eval", "--model", str(tiny_model), "--corpus", str(tiny_corpus), "--split",
                 "valid", "--no-progress"]) == 0  # fmt: skip
    assert "\nvalidation pairs: " in capsys.readouterr().out


def test_train_with_averaging_tied_embeddings_and_saved_decoding(tiny_corpus, tmp_path, capsys):
    out = tmp_path / "m"
    code = main(["translate", "train", "--corpus", str(tiny_corpus), "--out", str(out), *TINY_TRAIN_ARGS,
                 "--average-last", "2", "--tie-embeddings", "--no-repeat-ngram", "3", "--alpha", "0.8",
                 "--mbr"])  # fmt: skip
    text = capsys.readouterr().out
    assert code == 0 and "average of the last 2 epochs: validation chrF" in text
    cfg = json.loads((out / "model" / "config.json").read_text(encoding="utf-8"))
    assert cfg["decoding"] == {
        "beam": 2,
        "alpha": 0.8,
        "no_repeat_ngram": 3,
        "coverage": 0.0,
        "mbr": True,
        "spell_numbers": False,
    }  # the tiny corpus has no number words
    assert cfg["model"]["tie_embeddings"] is True and cfg["training"]["averaged"]["last_epochs"] == 2
    assert "MBR (chrF) over beam 2, alpha 0.8, no repeated 3-gram" in text


def _entries(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("  ")]


def test_n_best_beyond_the_beam_widens_it_says_so_and_lists_exactly_k(capsys):
    """The shipped model's beam of 30 holds only 28 distinct texts for 'I am tired.': a wider beam
    finds the 30 asked for."""
    assert main(["translate", "text", "--n-best", "30", "--beam", "5", "I am tired."]) == 0
    captured = capsys.readouterr()
    entries = _entries(captured.out)
    assert len(entries) == 30 and len({e.split("\t")[1] for e in entries}) == 30
    assert captured.err.splitlines() == [
        "rnnkit: note: --n-best 30 needs a beam of at least 30: decoding with beam 30 instead of --beam 5"
    ]
    # the ranks are right-aligned, so the score column does not move at rank 10
    assert entries[0].startswith("   1. ") and entries[9].startswith("  10. ")
    assert len({e.index("\t") for e in entries}) == 1 and len({e.index(".") for e in entries}) == 1


def test_n_best_says_when_fewer_distinct_translations_exist(tiny_model, monkeypatch, capsys):
    from rnnkit.translate.translator import Translator

    real = Translator.translate

    def two_only(self, *args, **kw):  # a model whose beam never holds more than two distinct texts
        out = real(self, *args, **kw)
        for t in out:
            t.alternatives = (t.alternatives or [])[:2]
        return out

    monkeypatch.setattr(Translator, "translate", two_only)
    code = main(["translate", "text", "--model", str(tiny_model), "--n-best", "5", "--beam", "8", "Hi."])
    captured = capsys.readouterr()
    assert code == 0 and len(_entries(captured.out)) == 2
    assert (
        "rnnkit: note: 'Hi.': 2 distinct translations in a beam of 16, fewer than --n-best 5" in captured.err
    )


def test_decoding_help_states_no_false_default(capsys):
    for command in ("text", "eval"):
        assert main(["translate", command, "--help"]) == 0
        text = " ".join(capsys.readouterr().out.split())
        assert "the model's, 5" not in text and "the model's, 1" not in text
        assert "[default: the model's own; the shipped model's: MBR over beam 24]" in text
        assert "[default: the model's own; the shipped model's: 3]" in text  # --no-repeat-ngram


def test_help_defaults_follow_the_shipped_config():
    from rnnkit.translate.options import SHIPPED_CONFIG, SHIPPED_DECODING
    from rnnkit.translate.translator import SHIPPED

    assert SHIPPED_CONFIG == SHIPPED / "config.json"
    assert json.loads(SHIPPED_CONFIG.read_text(encoding="utf-8"))["decoding"] == SHIPPED_DECODING


def test_eval_in_the_wrong_direction_names_the_shipped_model(tiny_model, tiny_corpus, capsys):
    code = main(["translate", "eval", "--corpus", str(tiny_corpus), "--src-lang", "ko", "--tgt-lang", "en",
                 "--split", "all"])  # fmt: skip
    one_line_error(capsys, code, "the shipped model translates en->ko, not ko->en")
    code = main(["translate", "eval", "--model", str(tiny_model), "--corpus", str(tiny_corpus), "--src-lang",
                 "ko", "--tgt-lang", "en"])  # fmt: skip
    one_line_error(capsys, code, f"the model {tiny_model} translates en->ko, not ko->en")


def test_eval_json_holds_the_verdict_printed(tiny_model, tiny_corpus, tmp_path, capsys):
    out = tmp_path / "scores.json"
    assert main(["translate", "eval", "--model", str(tiny_model), "--corpus", str(tiny_corpus), "--split", "all",
                 "--no-progress", "--show", "0", "--json", str(out)]) == 0  # fmt: skip
    verdict = json.loads(out.read_text(encoding="utf-8"))["verdict"]
    assert verdict.startswith("Verdict: ") and verdict in capsys.readouterr().out.splitlines()


def test_a_killed_runs_temporary_beside_output_goes_on_the_next_run(tiny_model, tmp_path):
    """kill -9 during text --output leaves .NAME.rnnkit-PID-....tmp; the next run writing NAME removes
    it once PID is gone (rnnkit.utils.leftovers), and leaves a live process's alone."""
    import os

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".out.txt.rnnkit-{dead.pid}-abc123.tmp"
    live = tmp_path / f".out.txt.rnnkit-{os.getpid()}-def456.tmp"
    stale.write_bytes(b"")
    live.write_bytes(b"")
    out = tmp_path / "out.txt"
    assert main(["translate", "text", "--model", str(tiny_model), "--output", str(out), "Hi."]) == 0
    assert out.read_text(encoding="utf-8").strip() and not stale.exists() and live.exists()
