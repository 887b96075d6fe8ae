"""Ensembles: the members' next-token probabilities averaged at each step; one model folder; checks."""

from __future__ import annotations

import json

import pytest
import torch
from helpers_translate import TINY_PAIRS, TINY_TRAIN_ARGS

from rnnkit.cli import main
from rnnkit.translate.ensemble import Seq2SeqEnsemble
from rnnkit.translate.model import Seq2SeqConfig
from rnnkit.translate.translator import Translator
from rnnkit.utils.errors import RnnkitError

SOURCES = [en for en, _ in TINY_PAIRS[:8]]


@pytest.fixture(scope="module")
def second_model(tmp_path_factory, tiny_corpus):
    """Another run on the same split and tokenizers (dropout 0.4: other weights)."""
    out = tmp_path_factory.mktemp("second") / "run"
    args = ["translate", "train", "--corpus", str(tiny_corpus), "--out", str(out), *TINY_TRAIN_ARGS]
    assert main([*args, "--dropout", "0.4"]) == 0
    return out / "model"


def test_a_step_is_the_log_of_the_members_mean_probability():
    torch.manual_seed(0)
    cfgs = [Seq2SeqConfig(src_vocab=11, tgt_vocab=13, cell="gru", embed_size=6, hidden_size=8),
            Seq2SeqConfig(src_vocab=11, tgt_vocab=13, cell="lstm", embed_size=4, hidden_size=6)]  # fmt: skip
    ens = Seq2SeqEnsemble(cfgs).eval()
    src, src_len = torch.randint(4, 11, (3, 5)), torch.tensor([5, 3, 4])
    y = torch.full((3,), 2)
    state = ens.start(src, src_len)
    log_p, new, attn = ens.step(y, state)
    outs = [m.step(y, m.start(src, src_len)) for m in ens.members]
    mean_p = (outs[0][0].exp() + outs[1][0].exp()) / 2
    torch.testing.assert_close(log_p, mean_p.log())
    torch.testing.assert_close(log_p.exp().sum(-1), torch.ones(3))
    torch.testing.assert_close(attn, (outs[0][2] + outs[1][2]) / 2)
    picked = new.select(torch.tensor([2, 0]))  # beam search reorders rows of every member together
    rows = torch.tensor([2, 0])
    for member, before in zip(picked.states, new.states, strict=True):
        assert torch.equal(member.feed, before.feed[rows]) and torch.equal(member.memory, before.memory[rows])
    log_p2, _, _ = ens.step(torch.tensor([5, 6]), picked)
    assert log_p2.shape == (2, 13)
    with pytest.raises(RnnkitError, match="other vocabulary sizes"):
        Seq2SeqEnsemble([cfgs[0], Seq2SeqConfig(src_vocab=11, tgt_vocab=14)])
    with pytest.raises(RnnkitError, match="decodes only"):
        ens(src, src_len, y[:, None])


def test_an_ensemble_of_one_model_twice_translates_as_the_model(tiny_model, tmp_path):
    out = tmp_path / "twice"
    assert main(["translate", "ensemble", str(tiny_model), str(tiny_model), "--out", str(out)]) == 0
    one, two = (
        Translator.from_pretrained(tiny_model, device="cpu"),
        Translator.from_pretrained(out, device="cpu"),
    )
    assert isinstance(two.model, Seq2SeqEnsemble) and len(two.model.members) == 2
    a, b = one.translate(SOURCES, beam=3, n_best=2), two.translate(SOURCES, beam=3, n_best=2)
    assert [t.text for t in a] == [t.text for t in b]
    for x, y in zip(a, b, strict=True):
        assert x.score == pytest.approx(y.score, abs=1e-4)


def test_ensemble_command_members_fp16_and_nesting(tiny_model, second_model, tmp_path, capsys):
    from rnnkit.train.modelfile import load_model

    pair = tmp_path / "pair"
    assert main(["translate", "ensemble", str(tiny_model), str(second_model.parent), "--out", str(pair)]) == 0
    assert capsys.readouterr().out.strip() == f"joined 2 models into an ensemble: {pair}"
    cfg = json.loads((pair / "config.json").read_text(encoding="utf-8"))
    member_cfgs = [
        json.loads((m / "config.json").read_text(encoding="utf-8"))["model"]
        for m in (tiny_model, second_model)
    ]
    assert cfg["ensemble"] == member_cfgs and cfg["model"] == member_cfgs[0]
    assert cfg["ensemble_of"] == [str(tiny_model), str(second_model.parent)] and "test_scores" not in cfg
    weights, first, second = (load_model(p).state_dict for p in (pair, tiny_model, second_model))
    assert set(weights) == {f"members.0.{n}" for n in first} | {f"members.1.{n}" for n in second}
    assert all(torch.equal(weights[f"members.1.{n}"], t) for n, t in second.items())
    ens = Translator.from_pretrained(pair, device="cpu")
    singles = [Translator.from_pretrained(m, device="cpu") for m in (tiny_model, second_model)]
    one = [t.text for t in singles[0].translate(SOURCES, beam=1)]
    assert one != [t.text for t in singles[1].translate(SOURCES, beam=1)]  # the members differ...
    step = ens.model.step(torch.full((1,), 2), ens.model.start(torch.tensor([[5, 6, 3]]), torch.tensor([3])))[
        0
    ]
    own = [
        m.model.step(torch.full((1,), 2), m.model.start(torch.tensor([[5, 6, 3]]), torch.tensor([3])))[0]
        for m in singles
    ]
    torch.testing.assert_close(step.exp(), (own[0].exp() + own[1].exp()) / 2)  # ...and it is their mean

    nested = tmp_path / "nested"  # an ensemble given as a member brings its members
    assert main(["translate", "ensemble", str(pair), str(tiny_model), "--out", str(nested), "--fp16"]) == 0
    cfg3 = json.loads((nested / "config.json").read_text(encoding="utf-8"))
    assert cfg3["ensemble"] == [*member_cfgs, member_cfgs[0]] and cfg3["weights_dtype"] == "float16"
    w3 = load_model(nested).state_dict
    assert {n.split(".")[1] for n in w3} == {"0", "1", "2"}
    assert all(t.dtype == torch.float16 for t in w3.values() if t.is_floating_point())
    per_member = [(f / "model.safetensors").stat().st_size / n for f, n in ((nested, 3), (pair, 2))]
    assert per_member[0] < 0.65 * per_member[1]  # half precision: about half the bytes per member
    tr3 = Translator.from_pretrained(nested, device="cpu")
    assert next(tr3.model.parameters()).dtype == torch.float32 and len(tr3.model.members) == 3
    assert main(["translate", "text", "--model", str(nested), "I am a student."]) == 0
    assert capsys.readouterr().out.strip()


def test_ensemble_errors_are_one_line(tiny_model, tmp_path, capsys):
    from rnnkit.train.modelfile import load_model, save_model

    assert main(["translate", "ensemble", str(tiny_model), "--out", str(tmp_path / "x")]) == 2
    assert "at least two model folders" in capsys.readouterr().err
    mf = load_model(tiny_model)
    swapped = tmp_path / "swapped"
    files = {
        "src.spm": (tiny_model / "tgt.spm").read_bytes(),
        "tgt.spm": (tiny_model / "tgt.spm").read_bytes(),
    }
    save_model(swapped, mf.state_dict, mf.config, files=files)
    other_split = tmp_path / "split"
    config = {**mf.config, "data": {**mf.config["data"], "split": {"seed": 1}}}
    save_model(
        other_split,
        mf.state_dict,
        config,
        files={n: (tiny_model / n).read_bytes() for n in ("src.spm", "tgt.spm")},
    )
    for other, needle in (
        (swapped, "other tokenizers"),
        (other_split, "another split (--split-seed 1, not 0"),
    ):
        code = main(["translate", "ensemble", str(tiny_model), str(other), "--out", str(tmp_path / "x")])
        err = capsys.readouterr().err
        assert code == 2 and needle in err and err.count("\n") == 1, err
        assert not (tmp_path / "x").exists()


def test_split_seed_gives_members_of_one_split_with_other_initial_weights(
    tiny_corpus, tiny_model, tmp_path, capsys
):
    """--seed 1 --split-seed 0: the split and tokenizers of --seed 0, other weights; recorded, resumable,
    and read back by --config MODEL; the two runs make an ensemble."""
    from rnnkit.train.modelfile import load_model
    from rnnkit.translate.options import settings_from_model

    out = tmp_path / "seed1"
    args = ["translate", "train", "--corpus", str(tiny_corpus), "--out", str(out), *TINY_TRAIN_ARGS]
    assert main([*args, "--seed", "1", "--split-seed", "0"]) == 0
    for name in ("src.spm", "tgt.spm"):
        assert (out / "model" / name).read_bytes() == (tiny_model / name).read_bytes()
    ours, theirs = (load_model(p).state_dict for p in (out / "model", tiny_model))
    assert any(not ours[n].equal(theirs[n]) for n in ours)
    cfg = json.loads((out / "model" / "config.json").read_text(encoding="utf-8"))
    assert cfg["data"]["split"]["seed"] == 0 and cfg["training"]["seed"] == 1
    again = settings_from_model(cfg)
    assert again["seed"] == 1 and again["split_seed"] == 0
    assert (
        settings_from_model(json.loads((tiny_model / "config.json").read_text(encoding="utf-8")))["seed"] == 0
    )
    capsys.readouterr()
    assert main([*args, "--seed", "1", "--resume"]) == 2  # the split seed is part of the run
    assert "--split-seed was 0" in capsys.readouterr().err
    joined = tmp_path / "joined"
    assert main(["translate", "ensemble", str(tiny_model), str(out), "--out", str(joined)]) == 0
    assert len(Translator.from_pretrained(joined, device="cpu").model.members) == 2
