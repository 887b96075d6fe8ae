"""Checkpoint averaging: the element-wise mean of several models' weights (Junczys-Dowmunt et al., 2016).

``theta_avg = (1/K) sum_k theta_k`` over the weights of K models of one architecture and vocabulary,
usually the last K epochs of one run: their mean sits nearer the centre of the region the optimiser
wanders in, which often translates better than any single epoch. Averaging models of different runs
(other seeds) does not work: their hidden units are not aligned.

``rnnkit translate average MODEL... --out DIR`` averages model folders; ``translate train
--average-last K`` averages the last K epochs at the end of training and keeps the average when its
validation chrF is at least the best epoch's. ``--fp16`` stores the weights in half precision (half
the size; loading casts them back to float32); ``--fp32``, the default, stores float32 even when the
inputs were fp16.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from rnnkit.utils.errors import RnnkitError

if TYPE_CHECKING:
    from rnnkit.translate.ensemble import Member


def average_states(states: Sequence[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """Element-wise mean of state dicts with the same names and shapes (float32 accumulation)."""
    if not states:
        raise RnnkitError("nothing to average")
    first = states[0]
    for i, st in enumerate(states[1:], start=2):
        if set(st) != set(first):
            raise RnnkitError(f"model {i} has other weights than model 1 (different architecture)")
        for name, t in st.items():
            if t.shape != first[name].shape:
                raise RnnkitError(f"model {i}: weight {name} has shape {tuple(t.shape)}, model 1 {tuple(first[name].shape)}")  # fmt: skip
    out = {}
    for name, t in first.items():
        if not t.is_floating_point():
            out[name] = t.clone()
            continue
        total = torch.zeros(t.shape, dtype=torch.float32)
        for st in states:
            total += st[name].to(torch.float32)
        out[name] = (total / len(states)).to(t.dtype)
    return out


# Settings of the ``model`` section that act only while training: models that differ in them alone hold
# weights of the same shapes and the same meaning at inference (dropout is the identity in eval mode), so
# their mean is sound; the average keeps the first model's value. (lr, epochs, seed and label smoothing are
# not in the section at all.)
TRAINING_ONLY = ("dropout",)


def _architecture(config: dict) -> dict:
    """The ``model`` section of a config as far as it decides the weights and what they compute at
    inference: without the vocabulary sizes (those are the tokenizers'), the training-only settings
    (:data:`TRAINING_ONLY`), and ``luong_score`` where the attention is not Luong's (it is unused then)."""
    from rnnkit.translate.model import Seq2SeqConfig

    model = config.get("model") or {}
    skip = {"src_vocab", "tgt_vocab", *TRAINING_ONLY}
    if model.get("attention", Seq2SeqConfig.attention) != "luong":
        skip.add("luong_score")
    return {k: v for k, v in model.items() if k not in skip}


def _architecture_differs(config: dict, first: dict) -> str | None:
    """What makes ``config``'s model another than ``first``'s, as ``ensemble of 2 models and one
    model`` or ``hidden_size 32 and 256, embed_size 16 and 128``; None when they are alike. An ensemble
    and a single model of one architecture were "model 2 has other weights than model 1"."""
    members = [len(c.get("ensemble") or []) for c in (config, first)]
    if members[0] != members[1]:
        kinds = [f"an ensemble of {n} models" if n else "one model" for n in members]
        return f"{kinds[0]} and {kinds[1]}"
    ours, theirs = _architecture(config), _architecture(first)
    keys = [k for k in dict.fromkeys([*theirs, *ours]) if ours.get(k) != theirs.get(k)]
    return ", ".join(f"{k} {ours.get(k)} and {theirs.get(k)}" for k in keys) or None


def _vocab(config: dict) -> str:
    model = config.get("model") or {}
    return f"{model.get('src_vocab')}/{model.get('tgt_vocab')}"


def repeats(members: Sequence[Member]) -> list[int | None]:
    """For each member read by :func:`~rnnkit.translate.ensemble.read_members`, the index of an earlier
    one that is the same model (the same weights, tokenizers and architecture: a run folder and its
    model/, a copy, a folder given twice), else None. All but the first repeats: one model, nothing to
    average. (The same weights under another architecture, Luong's general score and dot, are another
    model, and refused as such.)"""
    from rnnkit.translate.ensemble import same_weights

    found: list[int | None] = []
    for j, member in enumerate(members):
        same = (
            i
            for i in range(j)
            if members[i].tokenizers == member.tokenizers
            and _architecture_differs(member.folder.config, members[i].folder.config) is None
            and same_weights(members[i].folder.state_dict, member.folder.state_dict)
        )
        found.append(next(same, None))
    return found


def average_folders(
    folders: Sequence[Path],
    out: Path,
    fp16: bool = False,
    decoding: dict | None = None,
    warn: Callable[[str], None] | None = None,
    members: Sequence[Member] | None = None,
) -> Path:
    """Average translate model folders into ``out`` (written whole); they must share architecture and
    tokenizers; training-only settings (:data:`TRAINING_ONLY`: dropout) may differ. The first folder's
    config is kept (its dropout too), with ``averaged_from`` naming the inputs (when there are several)
    and ``weights_dtype``; ``decoding`` overrides its saved decoding settings.
    ``warn`` is told of a folder with the same weights as an earlier one (it counts once more in the mean).
    ``members``: the folders as :func:`~rnnkit.translate.ensemble.read_members` read them, where the
    caller has read them already (each folder is read once)."""
    from rnnkit.train.modelfile import save_model
    from rnnkit.translate.ensemble import read_members

    if not folders:
        raise RnnkitError("give at least one model folder to average")
    members = read_members(folders) if members is None else members
    loaded = [member.folder for member in members]
    first, spm = loaded[0], members[0].tokenizers
    for f, member in zip(folders[1:], members[1:], strict=True):
        mf = member.folder
        # The vocabulary sizes are the tokenizers' (another --split-seed trains other ones), not the
        # architecture's: a difference there is named as the tokenizers'.
        if differs := _architecture_differs(mf.config, first.config):
            raise RnnkitError(f"{f} has another architecture than {folders[0]} ({differs})")
        theirs, ours = _vocab(mf.config), _vocab(first.config)
        if theirs != ours or member.tokenizers != spm:
            sizes = f" (source/target vocabularies {theirs} and {ours})" if theirs != ours else ""
            raise RnnkitError(f"{f} has other tokenizers than {folders[0]}{sizes}: average epochs of one run")
    for j, twin in enumerate(repeats(members)):  # the tokenizers are the same by now
        if twin is not None and warn is not None:
            warn(f"{folders[j]} holds the same weights as {folders[twin]}: it counts once more in the mean")
    for member in members:  # each as translate text loads it, once the folders are compared
        member.check()
    state = average_states([mf.state_dict for mf in loaded])
    # Stored as --fp16/--fp32 say, whatever the inputs held (an fp16 model averaged into fp32 is float32)
    dtype = torch.float16 if fp16 else torch.float32
    state = {k: v.to(dtype) if v.is_floating_point() else v for k, v in state.items()}
    config = {k: v for k, v in first.config.items() if k not in ("rnnkit_version", "format_version")}
    if len(folders) > 1:  # one folder is a copy (or an fp16 conversion), not an average
        config["averaged_from"] = [str(f) for f in folders]
    config["weights_dtype"] = "float16" if fp16 else "float32"
    if decoding:
        config["decoding"] = {**(config.get("decoding") or {}), **decoding}
    return save_model(out, state, config, files=spm)
