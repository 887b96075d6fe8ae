"""An ensemble of translators: K models of one vocabulary decode as one (Sutskever et al. 2014; Sennrich
et al. 2016, the practice of every shared-task system since).

At each output step the members' next-token distributions are averaged::

    p(y_t | y_<t, x) = (1/K) sum_k p_k(y_t | y_<t, x)
    log p = logsumexp_k(log p_k) - log K

Each member keeps its own encoder memory and decoder state; beam search sees one model whose
``step`` returns the averaged log-probabilities, so greedy, beam, n-best, repetition blocking and
the length and coverage penalties work unchanged. The attention returned (for plots and the coverage
penalty) is the members' mean.

Unlike checkpoint averaging (:mod:`rnnkit.translate.averaging`, the mean of *weights*, which needs the
aligned hidden units of one run), an ensemble averages *outputs*, so its members may be independent
runs (other seeds, dropout, subword sampling). They must share the tokenizers, so that token ``i`` means
the same piece to each. Decoding costs K times one member's.

Model folder: ``config.json`` holds ``ensemble``, the list of the members' architectures (``model`` is
the first's, for tools that read one), and ``model.safetensors`` the members' weights under
``members.0.``, ``members.1.``, ... ``rnnkit translate ensemble MODEL... --out DIR`` writes one.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import torch
from torch import nn

from rnnkit.translate.config_schema import MAX_ENSEMBLE as MAX_MEMBERS
from rnnkit.translate.model import DecoderState, Seq2Seq, Seq2SeqConfig
from rnnkit.utils.errors import RnnkitError

if TYPE_CHECKING:
    from rnnkit.train.modelcard import ModelCard
    from rnnkit.train.modelfile import ModelFolder


@dataclass
class EnsembleState:
    """The members' decoder states, reordered together."""

    states: list[DecoderState]

    def select(self, rows: torch.Tensor) -> EnsembleState:
        return EnsembleState([s.select(rows) for s in self.states])


class Seq2SeqEnsemble(nn.Module):
    """K :class:`Seq2Seq` members with one ``start``/``step`` interface (decoding only).

    Args:
        configs: each member's architecture; the vocabularies must agree.
    """

    def __init__(self, configs: Sequence[Seq2SeqConfig]) -> None:
        super().__init__()
        if not 1 <= len(configs) <= MAX_MEMBERS:
            raise RnnkitError(f"an ensemble has 1 to {MAX_MEMBERS} members (got {len(configs)})")
        first = configs[0]
        for i, cfg in enumerate(configs[1:], start=2):
            if (cfg.src_vocab, cfg.tgt_vocab) != (first.src_vocab, first.tgt_vocab):
                raise RnnkitError(f"ensemble member {i} has other vocabulary sizes than member 1")
        self.members = nn.ModuleList(Seq2Seq(cfg) for cfg in configs)
        self.cfg = first  # what tools reading one architecture see (attention type, vocabularies)

    @property
    def encoder(self) -> nn.Module:
        """The first member's encoder (the web page's cells view shows one trained encoder layer)."""
        return self.members[0].encoder

    def start(self, src: torch.Tensor, src_len: torch.Tensor) -> EnsembleState:
        """Encode the batch once per member: src (N, S), src_len (N,)."""
        return EnsembleState([m.start(src, src_len) for m in self.members])

    def step(
        self, y_prev: torch.Tensor, state: EnsembleState
    ) -> tuple[torch.Tensor, EnsembleState, torch.Tensor | None]:
        """One step of every member: the log of the mean probability (N, V), the new states, and the
        mean attention (N, S) (None without attention)."""
        outs = [m.step(y_prev, s) for m, s in zip(self.members, state.states, strict=True)]
        # log(sum_k p_k) folded pairwise with logaddexp: elementwise, three times faster than logsumexp
        # over a stacked (K, N, V) tensor for two members, the same to about 2e-6
        log_probs = functools.reduce(torch.logaddexp, [o[0] for o in outs]) - math.log(len(outs))
        weights = [o[2] for o in outs]
        mean_weights = None if any(w is None for w in weights) else torch.stack(weights).mean(dim=0)
        return log_probs, EnsembleState([o[1] for o in outs]), mean_weights

    def forward(self, *args, **kwargs):  # noqa: ANN002, ANN003
        raise RnnkitError("an ensemble decodes only; train its members one by one")


def member_configs(config: dict) -> list[Seq2SeqConfig] | None:
    """The members' architectures of a model folder's ``config.json``, or None for a single model."""
    members = config.get("ensemble")
    return None if members is None else [Seq2SeqConfig.from_dict(m) for m in members]


def _data_difference(theirs: dict, ours: dict) -> str:
    """What differs between two members' ``data`` records: "another split (--split-seed 1, not 0)" or
    "other data (b.tsv, not a.tsv)"."""
    a, b = theirs.get("data") or {}, ours.get("data") or {}
    if {k: v for k, v in a.items() if k != "split"} != {k: v for k, v in b.items() if k != "split"}:
        return f"other data ({a.get('corpus', 'not recorded')}, not {b.get('corpus', 'not recorded')})"
    split_a, split_b = a.get("split") or {}, b.get("split") or {}
    flags = {"seed": "--split-seed", "valid_frac": "--val", "test_frac": "--test"}
    diffs = [
        f"{flag} {split_a.get(k, '(not recorded)')}, not {split_b.get(k, '(not recorded)')}"
        for k, flag in flags.items()
        if split_a.get(k) != split_b.get(k)
    ]
    return f"another split ({'; '.join(diffs) or 'recorded otherwise'})"


def same_weights(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    """Two state dicts hold the same tensors: one model given twice (as a run and as its model/) or a copy."""
    return set(a) == set(b) and all(a[k].shape == b[k].shape and torch.equal(a[k], b[k]) for k in a)


def _stored(t: torch.Tensor, fp16: bool) -> torch.Tensor:
    """A weight as the ensemble stores it: float32, or float16 with ``fp16``."""
    if not t.is_floating_point():
        return t
    return t.half() if fp16 else t.float()


def ensemble_folders(
    folders: Sequence[Path],
    out: Path,
    fp16: bool = False,
    decoding: dict | None = None,
    warn: Callable[[str], None] | None = None,
) -> Path:
    """Join translate model folders into one ensemble folder ``out`` (written whole).

    The members must share both tokenizers (byte for byte) and languages; an ensemble given as a
    member contributes its members. The first folder's config is kept (languages, length limits,
    decoding), with ``ensemble`` (the members' architectures) and ``ensemble_of`` (the folders).
    ``fp16`` stores the weights in half precision; ``decoding`` overrides the saved decoding settings.
    ``warn`` is told of a member with the same weights as an earlier one (it is decoded once more and weighs more in the mean).
    """
    from rnnkit.train.modelfile import save_model

    if len(folders) < 2:
        raise RnnkitError("give at least two model folders to ensemble")
    members = read_members(folders)
    first, spm = members[0].folder, members[0].tokenizers
    langs = (first.config.get("src_lang"), first.config.get("tgt_lang"))
    configs: list[dict] = []
    state: dict[str, torch.Tensor] = {}
    named: list[tuple[str, dict[str, torch.Tensor]]] = []  # each member so far, to name a copy
    for f, member in zip(folders, members, strict=True):
        mf = member.folder
        if (mf.config.get("src_lang"), mf.config.get("tgt_lang")) != langs:
            raise RnnkitError(f"{f} translates other languages than {folders[0]}")
        # Before the tokenizers: another split trains other ones, and the split is what to fix
        if mf.config.get("data") != first.config.get("data"):  # another split could hold the test pairs
            raise RnnkitError(
                f"{f} was trained on {_data_difference(mf.config, first.config)} than {folders[0]}: "
                "train the members on one corpus and split (one --split-seed, --val and --test)"
            )
        if member.tokenizers != spm:
            raise RnnkitError(f"{f} has other tokenizers than {folders[0]}: members must share them")
        nested = "ensemble" in mf.config
        for k, arch in enumerate(mf.config.get("ensemble") or [mf.config["model"]]):
            prefix = f"members.{k}." if nested else ""
            weights = {n[len(prefix) :]: t for n, t in mf.state_dict.items() if n.startswith(prefix)}
            name = f"{f} (member {k + 1})" if nested else str(f)
            twin = next((seen for seen, w in named if same_weights(w, weights)), None)
            if twin is not None and warn is not None:
                # "twice" would be wrong for a third copy, and "the output it gives alone" wrong beside
                # other members: a repeat only weighs that model more in the members' average
                warn(f"{name} holds the same weights as {twin}: the ensemble decodes that model once more, "
                     "and weighs it once more in the average of its members")  # fmt: skip
            named.append((name, weights))
            for n, t in weights.items():
                state[f"members.{len(configs)}.{n}"] = _stored(t, fp16)
            configs.append(arch)
    for member in members:  # each as translate text loads it, once the folders are compared
        member.check()
    if len(configs) > MAX_MEMBERS:
        raise RnnkitError(f"an ensemble has at most {MAX_MEMBERS} members (got {len(configs)})")
    # built once to check that the vocabularies agree (a one-line error otherwise)
    Seq2SeqEnsemble([Seq2SeqConfig.from_dict(c) for c in configs])
    own = ("rnnkit_version", "format_version", "test_scores", "averaged_from", "training", "ensemble_of")
    config = {k: v for k, v in first.config.items() if k not in own}  # not the first member's own record
    config.update(ensemble=configs, ensemble_of=[str(f) for f in folders])
    config["weights_dtype"] = "float16" if fp16 else "float32"
    if decoding:
        config["decoding"] = {**(config.get("decoding") or {}), **decoding}
    return save_model(out, state, config, files=spm, card=_card(folders, configs, config, fp16))


@dataclass(frozen=True)
class Member:
    """A translate model folder of ``translate ensemble`` or ``average`` as :func:`read_members` read it."""

    folder: ModelFolder
    tokenizers: dict[str, bytes]  # by file name, for comparing the folders
    # what ``translate text`` would say of it (a config of the wrong types, tokenizers or weights that do
    # not fit it); raised by :meth:`check` after the folders are compared, as "has other tokenizers than"
    # says more of a folder from another run than "src.spm has 81 pieces, the model was trained with 49"
    problem: RnnkitError | None

    def check(self) -> None:
        """Raise what ``translate text`` would say of this folder, if anything."""
        if self.problem is not None:
            raise self.problem


def read_members(folders: Sequence[Path]) -> list[Member]:
    """Each translate model folder of ``translate ensemble`` or ``average``, read once and checked as
    ``translate text`` loads it, with its tokenizers' bytes.

    Read through :func:`~rnnkit.train.modelfile.load_model_with`: a folder a save replaced between its
    weights and its tokenizers is read again by itself, as every other load (it failed "the folder was
    replaced by a save after its model was read; load it again"). Read once, as reading a folder twice
    doubled the time and the disk reads of large members.
    """
    from rnnkit.train.modelfile import load_model_with
    from rnnkit.translate.config_schema import TRANSLATE_CONFIG
    from rnnkit.translate.language_codes import model_languages
    from rnnkit.translate.translator import SRC_SPM, TGT_SPM, model_in

    def read(folder: Path) -> Member:
        def rest(mf: ModelFolder) -> Member:
            # the codes as every loader reads them (Translator.from_pretrained): a member saved with ko-KR
            # and its own re-save, saved as ko, are one pair, and the joined folder says ko
            mf.config["src_lang"], mf.config["tgt_lang"] = model_languages(mf.config)
            tokenizers = {name: mf.file(name).read_bytes() for name in (SRC_SPM, TGT_SPM)}
            try:
                model_in(mf, folder)
            except RnnkitError as exc:
                return Member(mf, tokenizers, exc)
            return Member(mf, tokenizers, None)

        return load_model_with(folder, rest, "translate", TRANSLATE_CONFIG)[1]

    return [read(f) for f in folders]


def _card(folders: Sequence[Path], configs: list[dict], config: dict, fp16: bool) -> ModelCard:
    """What the ensemble is, made of what, on which data; no scores until it is evaluated."""
    from rnnkit.train.modelcard import ModelCard  # only when writing a folder: translation starts light

    archs = "; ".join(
        f"{c.get('cell', 'lstm').upper()} {c.get('embed_size')}/{c.get('hidden_size')}, dropout {c.get('dropout')}"
        for c in configs
    )
    split = (config.get("data") or {}).get("split") or {}
    return ModelCard(
        title=f"rnnkit translate ensemble of {len(configs)} models ({config.get('src_lang')} to {config.get('tgt_lang')})",
        summary=(
            f"At each output step it averages the next-word probabilities of its members ({archs}), "
            f"joined from {', '.join(str(f) for f in folders)}; weights in {'float16' if fp16 else 'float32'}. "
            "Decoding costs one member's time per member."
        ),
        data=f"The members' corpus ({(config.get('data') or {}).get('corpus', 'not recorded')}), split with seed "
        f"{split.get('seed')}: validation {split.get('valid_frac')}, test {split.get('test_frac')}; "
        "score it with `rnnkit translate eval --model` on that test split.",
    )
