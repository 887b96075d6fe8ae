"""A trained translator: tokenizers + model, loaded from a model folder, translating lists of text.

This is what ``rnnkit translate text`` and ``eval`` use; it imports the model file reader only, never
the training engine, so translation starts fast.

Model folder (see DESIGN.md): ``config.json`` (``application: translate``, the architecture under
``model``, languages, length limits), ``model.safetensors``, ``src.spm`` and ``tgt.spm`` (the
sentencepiece models).

Decoding: ``config.json`` may hold ``decoding`` (beam, alpha, no_repeat_ngram, coverage, mbr,
spell_numbers), the settings chosen for that model on validation chrF; :meth:`Translator.translate`
uses them for every argument left at None. With ``mbr`` the output is not the beam's best but the
minimum-Bayes-risk choice among its ``beam`` hypotheses (:mod:`rnnkit.translate.mbr`). With
``spell_numbers`` an English source has its digits spelled out first ("3:30" -> "three thirty"), for a
model trained on a corpus that writes numbers in words (:mod:`rnnkit.translate.numbers`).

The shipped model: :data:`SHIPPED` (``rnnkit/translate/pretrained/en_ko``) is an English-to-Korean
model trained on the bundled corpus; ``Translator.from_pretrained()`` with no folder loads it.

Long input: a source longer than ``max_src_len`` tokens (saved with the model, 128 by default) is
truncated to its first ``max_src_len`` tokens and the translation is flagged ``truncated`` (the
command line prints a warning naming the line); the output is at most
``min(max_len, 2 * source tokens + 10)`` tokens.
"""

from __future__ import annotations

import functools
import math
import numbers
import sys
from collections.abc import KeysView, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch

from rnnkit.nn.search import BeamTrace
from rnnkit.translate.decode import Hypothesis, beam_search_nbest, decode
from rnnkit.translate.ensemble import Seq2SeqEnsemble, member_configs
from rnnkit.translate.model import Seq2Seq, Seq2SeqConfig
from rnnkit.translate.nbest_join import best_joins
from rnnkit.translate.tokenizer import EOS, PAD, UNK, Tokenizer
from rnnkit.utils.errors import InputTypeError, RnnkitError
from rnnkit.utils.reprs import compact_repr
from rnnkit.utils.threads import on_policy_threads
from rnnkit.utils.whole import as_whole, is_whole

if TYPE_CHECKING:
    from rnnkit.train.modelfile import ModelFolder

SRC_SPM, TGT_SPM = "src.spm", "tgt.spm"
UNREADABLE_SHARE = 0.5  # this share of source pieces unknown, or more: the command line warns
DEFAULT_MAX_SRC_LEN = 128
SHIPPED = Path(__file__).parent / "pretrained" / "en_ko"
# Most hypotheses (sentences x beam) decoded together. Beyond a few hundred rows a step costs more per
# row on CPU: 128 sentences with beam 24 took 46 s of CPU at 64 sentences a batch and 22 s at 16
# (the shipped model, one thread). Beam 5 keeps its 64 sentences a batch.
MAX_BEAM_ROWS = 384
MAX_ATTENTION_CELLS = 1 << 22
"""The most cells (output pieces x source pieces, 16 MB of float32) of a text's attention: a text of
several sentences joins theirs block-diagonally, which grows with the square of its length: about a
hundred sentences of 20 pieces fill it (one sentence holds at most ``max_len`` x ``max_src_len``)."""
DECODING = {
    "beam": 5,
    "alpha": 1.0,
    "no_repeat_ngram": 0,
    "coverage": 0.0,
    "mbr": False,
    "spell_numbers": False,
    "check_numbers": True,
}  # when config.json has none


@dataclass
class Translation:
    """One translated text (what :meth:`Translator.translate` gives back, one per input, in order).

    ``source``: the text as given; ``text``: its translation; ``score``: the beam's ranking score
    (higher is better); ``read_as``: the source as the model read it, when that differs (``i am a
    student`` read as ``I am a student.``); ``alternatives``: ``(text, score)`` pairs, best first, with
    ``n_best > 1``; ``attention``: ``(T_out, S_in)`` weights with ``attention=True`` (rows:
    ``tgt_pieces``, columns: ``src_pieces``, each ending in ``</s>``; None for a text of so many
    sentences that it would hold more than :data:`MAX_ATTENTION_CELLS`); ``trace``: the search tree with
    ``trace=True``.
    What to warn a reader of: ``truncated`` (the source was cut to ``max_src_len`` tokens), ``hit_max``
    (the output stopped at the length limit), ``cut_at_max_len`` (stopped by ``max_len`` where the
    source's own limit, 2 x its pieces + 10, is higher: cut short, not a loop), ``unreadable`` (most of the source is unknown to the
    model), ``numbers_missing`` (typed numbers the text does not say), ``names_carried`` (names kept in
    Latin letters). :meth:`to_json` gives the reader's fields as plain JSON values.
    """

    source: str
    text: str
    ids: list[int]
    src_pieces: list[str]
    tgt_pieces: list[str]
    hit_max: bool
    truncated: bool
    attention: torch.Tensor | None = None  # (T_out, S_in), rows for each output piece and eos
    score: float | None = None  # the beam's ranking score (log-prob / length penalty + coverage)
    alternatives: list[tuple[str, float]] | None = None  # n-best: (text, score), best first
    trace: BeamTrace | None = None  # the beam search tree, when asked for (translate(trace=True))
    # For a text of several sentences: the sentence the trace searched (as the model read it), its ids
    trace_source: str | None = None
    trace_ids: list[int] | None = None
    read_as: str | None = None  # the source as the model read it, when that differs (casual English, digits)
    # The source's typed numbers the text does not say ("12,500 won" read as 십이만 원); None: not checked
    numbers_missing: list[str] | None = None
    numbers_copied: list[str] | None = None  # digits copied from the source over the model's (a year)
    # The share of source pieces the model does not know (<unk>): input it cannot read
    unknown_share: float = 0.0
    # Names the model never learned, translated as corpus names and put back (rnnkit.translate.names)
    names_carried: list[str] | None = None
    # Stopped by max_len below the source's own limit (2 x its pieces + 10): cut short mid-sentence
    cut_at_max_len: bool = False

    def __repr__(self) -> str:  # the source, the text and what is set, not every piece id
        return compact_repr(
            self,
            ("source", "text", "score"),
            ("read_as", "hit_max", "truncated", "attention", "alternatives", "trace_source",
             "numbers_missing", "numbers_copied", "unknown_share", "names_carried", "cut_at_max_len"),
        )  # fmt: skip

    def to_json(self) -> dict:
        """What a reader of the translation needs, as plain JSON values (``translate text --json``):
        the source and text, the score, how the source was read, the n-best list when there is one, and
        what the command line warns about; not the piece ids, the attention or the search tree."""
        return {
            "source": self.source,
            "text": self.text,
            "score": self.score,
            "read_as": self.read_as,
            "alternatives": None
            if self.alternatives is None
            else [{"text": text, "score": score} for text, score in self.alternatives],
            "names_carried": self.names_carried or [],
            "numbers_missing": self.numbers_missing or [],
            "numbers_copied": self.numbers_copied or [],
            "truncated": self.truncated,
            "stopped_at_max_len": self.hit_max,
            "unreadable": self.unreadable,
        }

    @property
    def unreadable(self) -> bool:
        """Most of the source is unknown to the model (another language, emoji): the output is a guess."""
        return self.unknown_share >= UNREADABLE_SHARE  # 안녕하세요. is <unk> and a known stop: half


# zero-width space, word joiner, byte-order mark (zero-width no-break space), soft hyphen: invisible
# inside a word; not the zero-width joiners, which hold emoji sequences together
_AS_PLAIN_TEXT = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"))
# and full-width Latin letters, digits and punctuation (U+FF01-FF5E, what a Japanese or Chinese input
# method types: "Ｉ ａｍ ａ ｓｔｕｄｅｎｔ．"), and the ideographic space, read as the ASCII they stand for
_AS_PLAIN_TEXT.update({code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20})
# and every other whitespace a space, as the corpus's sentences were cleaned (corpus_text.clean): the
# tokenizer itself drops a vertical tab or U+001C-U+001F (joining the words around it) and reads NEL
# (U+0085: a Windows-1252 ellipsis read as --encoding latin-1) as an unknown piece; a form feed inside a
# line of --input is read as the space it shows as
_WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2028\u2029\u202f\u205f"  # str.isspace's, with
_AS_PLAIN_TEXT.update(dict.fromkeys([*map(ord, _WHITESPACE), *range(0x2000, 0x200B)], 0x20))  # U+2000-200A


def check_texts(texts: object) -> list[str]:
    """``texts`` as a list of sentences (plain ``str``: numpy's and pandas' strings too), or a one-line
    error. A lone string or bytes is refused (it would be translated letter by letter, or byte by byte),
    and so is a mapping (its keys would be translated, its values dropped) and text that is not valid
    Unicode (a lone surrogate, as Python makes of non-UTF-8 bytes on the command line). A value of the
    wrong type is an :class:`~rnnkit.utils.errors.InputTypeError`: a ``TypeError`` and an ``RnnkitError``."""
    if isinstance(texts, str):
        raise InputTypeError("translate() takes a list of sentences, not one string: pass [text]")
    if isinstance(texts, bytes | bytearray):
        raise InputTypeError("translate() takes a list of sentences, not bytes: pass [data.decode('utf-8')]")
    if isinstance(texts, Mapping):
        raise InputTypeError(
            "translate() takes a list of sentences, not a mapping: pass list(d.values()) or list(d)"
        )
    if isinstance(texts, AbstractSet) and not isinstance(
        texts, KeysView
    ):  # no order (a dict's keys have one)
        raise InputTypeError(
            "translate() takes a list of sentences, not a set (it has no order): pass a list"
        )
    ndim = getattr(texts, "ndim", 1)
    if ndim != 1 and hasattr(texts, "columns"):  # a DataFrame: list(df) is its column names, not its text
        column = repr(texts.columns[0]) if len(texts.columns) else "'column'"
        raise InputTypeError(
            f"translate() takes a list of sentences, not a DataFrame: pass one column, df[{column}]"
        )
    if ndim != 1:  # a table's rows or one string in an array, not one sentence an item
        raise InputTypeError(
            f"translate() takes a list of sentences, not a {ndim}-D {type(texts).__name__}: pass a 1-D one"
        )
    try:
        texts = list(texts)  # type: ignore[call-overload]
    except TypeError:
        raise InputTypeError(f"translate() takes a list of sentences, got {type(texts).__name__}") from None
    for i, text in enumerate(texts, 1):
        if not isinstance(text, str):
            if isinstance(text, bytes | bytearray):
                raise InputTypeError(f"sentence {i} is bytes, not text: decode it first (.decode('utf-8'))")
            if is_missing(text):  # a DataFrame column's gap
                raise InputTypeError(f"sentence {i} is missing ({text}), not text: drop it first (.dropna())")
            raise InputTypeError(f"sentence {i} is not text (a {type(text).__name__})")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise RnnkitError(
                f"sentence {i} is not valid Unicode text (bytes that are not UTF-8? give the text as UTF-8)"
            ) from None
    return [str(text) for text in texts]  # numpy's str_ as a plain str: Translation.source prints as typed


def is_missing(value: object) -> bool:
    """A table's empty cell: None, a NaN of any float type (numpy's float32 too), or pandas' ``NA`` or
    ``NaT`` (a ``string`` or ``datetime`` column's gap, from ``read_csv(dtype="string")``)."""
    if value is None:
        return True
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        return math.isnan(value)
    pandas = sys.modules.get("pandas")  # its NA comes from pandas alone: never imported for the check
    return pandas is not None and (value is pandas.NA or value is pandas.NaT)


def check_switches(**switches: object) -> None:
    """Each on/off argument is a bool (numpy's too), or None where that means "the model's own":
    ``mbr="no"`` is a true string, and would switch MBR on unsaid."""
    for name, value in switches.items():
        if value is not None and not isinstance(value, bool | np.bool_):
            raise InputTypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")


def as_int(value: object) -> object:
    """A NumPy integer (``np.arange(1, 6)[i]``) as the Python int it stands for; anything else as it is,
    for the checks to name (a bool stays a bool, and is refused)."""
    return as_whole(value)


def check_counts(**counts: int | None) -> None:
    """Each count given (not None) is a whole number of at least 1 (:func:`rnnkit.nn.validate.check_int`:
    a one-line error naming it, a ``TypeError`` too for a non-integer)."""
    from rnnkit.nn.validate import check_int

    for name, value in counts.items():
        if value is not None:
            check_int(name, value, 1)


def check_decoding(
    beam: int | None,
    n_best: int,
    batch_size: int,
    max_len: int | None,
    alpha: float | None,
    coverage: float | None,
    no_repeat_ngram: int | None,
) -> None:
    """The decoding arguments of :meth:`Translator.translate` within the command line's bounds, or a
    one-line error naming the first that is not: the Python API takes no more than ``--beam`` does."""
    from rnnkit.utils.limits import SIZES

    check_counts(beam=beam, n_best=n_best, batch_size=batch_size, max_len=max_len)
    top = int(SIZES["beam"].hi)
    for name, value in (("beam", beam), ("n_best", n_best)):
        if value is not None and value > top:
            raise RnnkitError(f"{name} must be at most {top} (got {value})")
    for name, value in (("alpha", alpha), ("coverage", coverage)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(
            value, numbers.Real
        ):  # "0.6": math.isfinite's own TypeError
            raise InputTypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
        if not (math.isfinite(value) and value >= 0):
            raise RnnkitError(f"{name} must be a finite number of at least 0 (got {value})")
    if no_repeat_ngram is not None:  # 1.5 reached torch's unfold as its TypeError
        if not is_whole(no_repeat_ngram):
            kind = type(no_repeat_ngram).__name__
            raise InputTypeError(f"no_repeat_ngram must be an int, got {kind} {no_repeat_ngram!r}")
        if no_repeat_ngram < 0:
            raise RnnkitError(f"no_repeat_ngram must be at least 0; 0 is off (got {no_repeat_ngram})")


def joined(parts: list[Translation], source: str, n_best: int = 1) -> Translation:
    """One text's translation from its sentences' ``parts`` (:meth:`Translator.translate`), in order.

    Texts and pieces are concatenated; the attention is block diagonal (each sentence attends to its
    own source), or None where it would hold more than :data:`MAX_ATTENTION_CELLS`; the score is the
    sum; the ``n_best`` alternatives are the best sums of one alternative per sentence; the trace is
    the one a sentence has (the search traces the first row of a batch, the shortest sentence). One
    part comes back as it is, with ``source``."""
    if len(parts) == 1:
        return replace(parts[0], source=source)
    # A sentence of punctuation alone ("...") is given back as it is, not decoded: no pieces, no
    # attention, no score; it adds nothing to the others'.
    decoded = [bool(p.src_pieces) for p in parts]
    attention = [p.attention if d else torch.zeros(0, 0) for p, d in zip(parts, decoded, strict=True)]
    scores = [p.score if d else 0.0 for p, d in zip(parts, decoded, strict=True)]
    choices = [p.alternatives if d else [(p.text, 0.0)] for p, d in zip(parts, decoded, strict=True)]
    alternatives = best_joins(choices, n_best) if all(choices) else None
    if not any(decoded):  # punctuation alone, cut into "sentences" ("?!...,;:": "?!..." and ",;:"), is
        # the source as typed: joined with a space it came back as "?!... ,;:"
        alternatives = [(source.strip(), 0.0)]
    missing = [p.numbers_missing for p in parts]
    traced = next((p for p in parts if p.trace is not None), None)
    kept = [a for a in attention if a is not None]
    rows, cols = sum(a.shape[0] for a in kept), sum(a.shape[1] for a in kept)
    # mostly zeros, and growing with the text's length squared: a line of 2,000 sentences asked 6.5 GB
    whole = len(kept) == len(attention) and rows * cols <= MAX_ATTENTION_CELLS
    blocks = torch.block_diag(*(a.float() for a in kept)) if whole else None
    return Translation(
        source=source,
        text=" ".join(p.text for p in parts if p.text) if any(decoded) else source.strip(),
        ids=[i for p in parts for i in p.ids],
        src_pieces=[x for p in parts for x in p.src_pieces],
        tgt_pieces=[x for p in parts for x in p.tgt_pieces],
        hit_max=any(p.hit_max for p in parts),
        truncated=any(p.truncated for p in parts),
        attention=blocks,
        score=None if any(s is None for s in scores) else float(sum(scores)),
        alternatives=alternatives,
        trace=None if traced is None else traced.trace,
        trace_source=None if traced is None else (traced.read_as or traced.source).strip(),  # as searched
        trace_ids=None if traced is None else traced.ids,
        read_as=" ".join(p.read_as or p.source for p in parts) if any(p.read_as for p in parts) else None,
        numbers_missing=None if all(m is None for m in missing) else [n for m in missing for n in m or []],
        numbers_copied=[n for p in parts for n in p.numbers_copied or []] or None,
        unknown_share=max(p.unknown_share for p in parts),  # one unreadable sentence is warned about
        cut_at_max_len=any(p.cut_at_max_len for p in parts),
        names_carried=[n for p in parts for n in p.names_carried or []] or None,
    )


def distinct(ranked: list[tuple[str, float]], k: int) -> list[tuple[str, float]]:
    """The first ``k`` of ``ranked`` (text, score) with distinct texts: two segmentations of one string
    (저는 / 저 는, or a doubled space) are one translation to a reader, listed once at its best rank."""
    seen, out = set(), []
    for text, score in ranked:
        key = " ".join(text.split())
        if key not in seen:
            seen.add(key)
            out.append((text, score))
    return out[:k]


def encode_sources(tok: Tokenizer, texts: list[str], max_src_len: int) -> tuple[list[list[int]], list[bool]]:
    """Source ids with eos, cut to ``max_src_len`` tokens; also which were cut."""
    ids, cut = [], []
    for seq in tok.encode_batch(texts):
        cut.append(len(seq) + 1 > max_src_len)
        ids.append(seq[: max_src_len - 1] + [EOS])
    return ids, cut


def pad_batch(seqs: list[list[int]], device: torch.device | str = "cpu") -> tuple[torch.Tensor, torch.Tensor]:
    """Pad id lists with 0: ids (N, S_max) and lengths (N,)."""
    lengths = torch.tensor([len(s) for s in seqs], dtype=torch.long)
    out = torch.full((len(seqs), int(lengths.max())), PAD, dtype=torch.long)
    for i, s in enumerate(seqs):
        out[i, : len(s)] = torch.tensor(s, dtype=torch.long)
    return out.to(device), lengths


def check_tokenizers(src: Tokenizer, tgt: Tokenizer, cfg: Seq2SeqConfig, folder: str | Path) -> None:
    """The tokenizers' vocabulary sizes must be the model's: a tokenizer from another model would index
    past the embedding (an IndexError) or translate into garbage. Swapped files are named as such."""

    sizes = (src.vocab_size, tgt.vocab_size)
    if sizes == (cfg.src_vocab, cfg.tgt_vocab):
        return
    if sizes == (cfg.tgt_vocab, cfg.src_vocab):
        raise RnnkitError(f"{folder}: {SRC_SPM} and {TGT_SPM} are swapped (vocabulary sizes {sizes})")
    name, has, wants = (
        (SRC_SPM, sizes[0], cfg.src_vocab)
        if sizes[0] != cfg.src_vocab
        else (TGT_SPM, sizes[1], cfg.tgt_vocab)
    )
    raise RnnkitError(f"{folder}: {name} has {has} pieces, the model was trained with {wants}")


def model_of(folder: str | Path) -> tuple[dict, torch.nn.Module, Tokenizer, Tokenizer, str | None]:
    """The validated config, the model (a :class:`Seq2Seq`, or a :class:`Seq2SeqEnsemble`), the
    source and target tokenizers and the model card (None without one) of a translate model folder (or
    a run folder holding it as ``model/``), every part checked against the config: a config of the wrong
    types, tokenizers of another model or weights of another architecture are one-line errors. Never
    unpickles."""
    from rnnkit.train.modelfile import load_model_with, read_card
    from rnnkit.translate.config_schema import TRANSLATE_CONFIG

    def rest(mf: ModelFolder) -> tuple[dict, torch.nn.Module, Tokenizer, Tokenizer, str | None]:
        # The tokenizers and the card are read after the weights: again from the new folder when a save
        # replaced it. The card read after this returned gave the old model the new model's card.
        return (*model_in(mf, folder), read_card(mf.path))

    _, model = load_model_with(folder, rest, "translate", TRANSLATE_CONFIG)
    return model


def model_in(mf: ModelFolder, folder: str | Path) -> tuple[dict, torch.nn.Module, Tokenizer, Tokenizer]:
    """:func:`model_of` of a folder already read (``load_model(folder, "translate", TRANSLATE_CONFIG)``):
    ``translate average`` and ``ensemble`` read each folder once, compare them, then check each here as
    ``translate text`` would load it; errors name ``folder`` as the user gave it."""
    from rnnkit.train.modelfile import load_weights

    try:
        cfg = Seq2SeqConfig.from_dict(mf.config["model"])
        members = member_configs(mf.config)  # an ensemble's architectures, else None
    except (
        TypeError,
        RnnkitError,
    ) as exc:  # RnnkitError: a value out of range (cell "xyz"), the file unnamed
        raise RnnkitError(f"{folder}/config.json: bad model architecture ({exc})") from None
    src = Tokenizer(mf.file(SRC_SPM).read_bytes(), str(mf.file(SRC_SPM)))
    tgt = Tokenizer(mf.file(TGT_SPM).read_bytes(), str(mf.file(TGT_SPM)))
    check_tokenizers(src, tgt, cfg, folder)
    state = {k: v.float() if v.is_floating_point() else v for k, v in mf.state_dict.items()}  # fp16 files
    if members is None:
        check_tied(state, [("", "model.tie_embeddings", cfg)], folder)
    else:
        named = [(f"members.{k}.", f"ensemble[{k}].tie_embeddings", m) for k, m in enumerate(members)]
        check_tied(state, named, folder)
    build = (lambda: Seq2Seq(cfg)) if members is None else (lambda: Seq2SeqEnsemble(members))
    return mf.config, load_weights(build, state, folder), src, tgt


def check_tied(
    state: Mapping[str, torch.Tensor], models: Sequence[tuple[str, str, Seq2SeqConfig]], folder: str | Path
) -> None:
    """Refuse a config whose ``tie_embeddings`` disagrees with the weights (``models``: weight-name prefix,
    the setting's name in config.json, the architecture).

    A tied model shares one tensor between the target embedding and the output layer; the file holds it
    twice (safetensors stores no shared memory). Loading two different tensors into one shared tensor
    kept whichever came last: an untied model whose config was edited to say tied translated garbage with
    exit status 0. The reverse (one tensor twice, said untied) is an edited config too: refused alike.
    """
    for prefix, setting, cfg in models:
        embed = state.get(f"{prefix}decoder.embed.weight")
        out = state.get(f"{prefix}decoder.out.weight")
        if embed is None or out is None or embed.shape != out.shape:
            continue  # load_weights names a missing weight or one of another shape
        if torch.equal(embed, out) == cfg.tie_embeddings:
            continue
        held = (
            "two different target embedding and output weights (a model saved untied?)"
            if cfg.tie_embeddings
            else "one tensor as both the target embedding and the output weights (a model saved tied?)"
        )
        raise RnnkitError(
            f"{folder}/config.json: {setting} is {str(cfg.tie_embeddings).lower()}, but its model.safetensors "
            f"holds {held}: set it back to {str(not cfg.tie_embeddings).lower()}"
        )


def _within(h: Hypothesis, cap: int) -> Hypothesis:
    """``h`` cut back to ``cap`` pieces (--max-len), still ``hit_max``. The search gets one step past
    ``cap`` for the end token: counted in the limit, a translation of exactly ``cap`` pieces had no room
    for it and was warned of as cut short ("--max-len 4 'I am a student.'": 저는 학생이에요., the whole
    sentence). A piece in that step means the model had not ended it (its score keeps that piece)."""
    if len(h.ids) <= cap:
        return h
    return replace(h, ids=h.ids[:cap], attention=None if h.attention is None else h.attention[:cap])


class Translator:
    """A trained translation model with its tokenizers: sentences in, :class:`Translation` objects out.

    Load one with :meth:`from_pretrained` (no argument: the shipped English-to-Korean model) or
    ``rnnkit.load(folder)``, then :meth:`translate` a list of sentences; the decoding arguments left at
    None take the model's own (:meth:`decoding`). Bad input is a one-line
    :class:`~rnnkit.utils.errors.RnnkitError` naming the argument (also a ``TypeError`` for a value of
    the wrong type: one string instead of a list, ``beam=2.5``, ``mbr="no"``).

    >>> tr = Translator.from_pretrained(device="cpu")                    # doctest: +SKIP
    >>> [t.text for t in tr.translate(["I am a student.", "It is raining."], beam=5)]  # doctest: +SKIP
    ['저는 학생이에요.', '비가 와요.']
    >>> tr.translate(["I am a student."], attention=True)[0].attention.shape  # doctest: +SKIP
    torch.Size([5, 7])

    Args (built by :meth:`from_pretrained`; rarely by hand):
        model: a :class:`Seq2Seq` (put in eval mode here).
        src_tok, tgt_tok: the sentencepiece tokenizers it was trained with.
        config: the model folder's config (languages, ``max_src_len``, ``max_len``).
        device: where to run.
    """

    def __init__(
        self,
        model: Seq2Seq | Seq2SeqEnsemble,
        src_tok: Tokenizer,
        tgt_tok: Tokenizer,
        config: dict,
        device="cpu",
    ):
        self.model = model.to(device).eval()
        self.src_tok, self.tgt_tok = src_tok, tgt_tok
        self.config = config
        self.device = torch.device(device)
        self.max_src_len = int(config.get("max_src_len", DEFAULT_MAX_SRC_LEN))
        self.max_len = int(config.get("max_len", 100))
        self.card: str | None = None  # the model card (README.md) of the folder it was loaded from

    def __repr__(self) -> str:
        """``Translator(en->ko, gru, 2 members, vocabulary 6341->8000, beam 24 + MBR, device cpu)``."""
        cfg = self.config
        members = cfg.get("ensemble") or [cfg.get("model") or {}]
        cell = ", ".join(sorted({str(m.get("cell", "?")) for m in members}))
        size = f"{len(members)} members" if len(members) > 1 else "1 model"
        d = self.decoding()
        search = "greedy" if d["beam"] == 1 else f"beam {d['beam']}" + (" + MBR" if d["mbr"] else "")
        return (
            f"Translator({cfg.get('src_lang', '?')}->{cfg.get('tgt_lang', '?')}, {cell}, {size}, "
            f"vocabulary {self.src_tok.vocab_size}->{self.tgt_tok.vocab_size}, {search}, device {self.device})"
        )

    @classmethod
    def from_pretrained(
        cls, name_or_path: str | Path | None = None, device: str = "auto", revision: str | None = None
    ) -> Translator:
        """Load a model folder written by :meth:`save_pretrained` or ``rnnkit translate train --out RUN``
        (``RUN`` or ``RUN/model``), or a Hugging Face Hub id ``owner/name`` (:mod:`rnnkit.utils.hub`); never unpickles. With none, the
        shipped English-to-Korean model. ``device``: ``"auto"``, ``"cpu"``, ``"cuda"``, ``"cuda:k"``, a
        ``torch.device``, an int (a CUDA index) or None (auto)."""
        from rnnkit.utils.device import resolve_device
        from rnnkit.utils.hub import model_dir

        if name_or_path is None:
            folder = SHIPPED
            if not (folder / "config.json").is_file():
                raise RnnkitError(
                    f"the shipped model is missing from {folder}: reinstall rnnkit or pass --model"
                )
        else:
            folder = model_dir(name_or_path, revision)
        config, model, src, tgt, card = model_of(folder)
        # the codes as the command line reads them: a model saved with KO, kor or ko-KR (before codes were
        # normalised) had the Korean and English handling, which compares ko and en, off in Python and serve
        from rnnkit.translate.language_codes import model_languages

        config["src_lang"], config["tgt_lang"] = model_languages(config)
        translator = cls(model, src, tgt, config, resolve_device(device))
        translator.card = card
        return translator

    def save_pretrained(self, folder: str | Path) -> Path:
        """Write this translator as a model folder (config, weights, both tokenizers, model card), whole
        or not at all; :meth:`from_pretrained` and ``translate text --model`` read it back."""
        from rnnkit.train.modelfile import save_model, saved_config

        state = self.model.state_dict()
        if self.config.get("weights_dtype") == "float16":  # saved as it came: fp16 weights stay fp16
            state = {k: v.half() if v.is_floating_point() else v for k, v in state.items()}
        files = {SRC_SPM: self.src_tok.model_bytes, TGT_SPM: self.tgt_tok.model_bytes}
        return save_model(folder, state, saved_config(self.config), files=files, card=self.card)

    load = from_pretrained  # the name before from_pretrained (#15: one way to load); kept for old code

    def decoding(self) -> dict:
        """The model's decoding settings (``config.json`` ``decoding``, else :data:`DECODING`)."""
        saved = self.config.get("decoding") or {}
        return {k: type(v)(saved.get(k, v)) for k, v in DECODING.items()}

    @on_policy_threads
    def translate(
        self,
        texts: list[str],
        beam: int | None = None,
        batch_size: int = 64,
        max_len: int | None = None,
        alpha: float | None = None,
        attention: bool = False,
        show_progress: bool = False,
        no_repeat_ngram: int | None = None,
        coverage: float | None = None,
        n_best: int = 1,
        trace: bool = False,
        mbr: bool | None = None,
        spell_numbers: bool | None = None,
        check_numbers: bool | None = None,
        as_typed: bool = False,
        carry_names: bool = True,
    ) -> list[Translation]:
        """Translate ``texts`` in batches of similar length; results come back in input order.

        An English source is read as the corpus writes English (:mod:`~rnnkit.translate.surface`):
        sentence by sentence, each in sentence case with its final stop (``i am a student`` is read as
        ``I am a student.``; ``read_as`` says so). A text of several sentences comes back as one
        :class:`Translation` whose parts are its sentences' (:func:`joined`). ``as_typed=True`` reads
        the text exactly as given, whole. Names the model never learned ("My name is John.") are
        translated as corpus names and put back in their Latin letters (:mod:`~rnnkit.translate.names`;
        ``names_carried`` lists them) where :meth:`carries_names`, unless ``carry_names=False`` or
        ``as_typed``.

        Decoding arguments left at None take the model's own (:meth:`decoding`). A batch holds at most
        ``batch_size`` sentences and at most :data:`MAX_BEAM_ROWS` hypotheses (sentences x beam). ``n_best > 1`` runs
        beam search with at least that many hypotheses and fills ``alternatives`` with the best
        ``n_best`` distinct texts (:func:`distinct`; fewer when the beam holds fewer). ``trace=True``
        runs beam search (also for ``beam=1``, which gives the greedy output) and fills ``trace``, the
        search tree (:class:`~rnnkit.nn.search.BeamTrace`), of the first sentence of each batch
        (the search traces one row): translate one text to get its tree. Outputs are unchanged.
        ``mbr=True`` (with ``beam > 1``) outputs the minimum-Bayes-risk choice among the beam's
        hypotheses instead of its best (:func:`~rnnkit.translate.mbr.mbr_choice`; chrF utility);
        ``score`` stays that hypothesis' beam score, and ``alternatives`` keep the beam's order.
        ``spell_numbers=True`` spells an English source's digits out before tokenizing
        (:func:`~rnnkit.translate.numbers.spell_out`); ``source`` stays the text as given, ``read_as``
        holds the spelled text when it differs, and the pieces are those of the spelled text.
        ``check_numbers=True`` (an English source, a Korean target) looks for the source's typed numbers
        in each hypothesis (:mod:`~rnnkit.translate.number_check`): with ``beam > 1`` only the
        hypotheses that say the most of them may be chosen; digits Korean keeps as typed (years, phone
        numbers) are copied over the model's where it wrote others in their place
        (:func:`~rnnkit.translate.number_check.copy_digits`; ``numbers_copied``, and ``text`` then
        differs from the decoded ``ids``); and ``numbers_missing`` lists those the output still does not
        say.
        """
        texts = check_texts(texts)
        beam, n_best, batch_size, max_len = (as_int(v) for v in (beam, n_best, batch_size, max_len))
        check_decoding(beam, n_best, batch_size, max_len, alpha, coverage, no_repeat_ngram)
        check_switches(attention=attention, show_progress=show_progress, trace=trace, as_typed=as_typed,
                       carry_names=carry_names, mbr=mbr, spell_numbers=spell_numbers,
                       check_numbers=check_numbers)  # fmt: skip
        options = dict(beam=beam, batch_size=batch_size, max_len=max_len, alpha=alpha, attention=attention,
                       show_progress=show_progress, no_repeat_ngram=no_repeat_ngram, coverage=coverage,
                       n_best=n_best, trace=trace, mbr=mbr, spell_numbers=spell_numbers,
                       check_numbers=check_numbers, carry_names=carry_names)  # fmt: skip
        if as_typed or self.config.get("src_lang", "en") != "en":
            return self._translate_sentences(texts, typed=True, **options)
        from rnnkit.translate.surface import sentences

        parts = [sentences(t) if t.strip() else [t] for t in texts]
        flat = [sentence for sentences_of in parts for sentence in sentences_of]
        done = iter(self._translate_sentences(flat, typed=False, **options))
        return [joined([next(done) for _ in p], text, n_best) for p, text in zip(parts, texts, strict=True)]

    def _translate_sentences(
        self,
        texts: list[str],
        typed: bool,
        beam: int | None,
        batch_size: int,
        max_len: int | None,
        alpha: float | None,
        attention: bool,
        show_progress: bool,
        no_repeat_ngram: int | None,
        coverage: float | None,
        n_best: int,
        trace: bool,
        mbr: bool | None,
        spell_numbers: bool | None,
        check_numbers: bool | None,
        carry_names: bool = True,
    ) -> list[Translation]:
        """:meth:`translate` of checked ``texts``, each read whole: as given when ``typed``, else as the
        corpus writes it (:func:`~rnnkit.translate.surface.as_the_corpus_writes`; a sentence typed inside
        quotation marks or brackets is read inside them and translated inside them:
        :func:`~rnnkit.translate.surface.unwrapped`), and then, where
        :meth:`carries_names`, with names the model never learned swapped for corpus names and put back
        into the output (:mod:`~rnnkit.translate.names`); a sentence none of whose hypotheses keeps its
        placeholders is translated again as read, without the swap."""
        from rnnkit.utils.progress import progress

        dec = self.decoding()
        beam = dec["beam"] if beam is None else beam
        alpha = dec["alpha"] if alpha is None else alpha
        no_repeat_ngram = dec["no_repeat_ngram"] if no_repeat_ngram is None else no_repeat_ngram
        coverage = dec["coverage"] if coverage is None else coverage
        mbr = (dec["mbr"] if mbr is None else mbr) and beam > 1  # greedy has one hypothesis to choose from
        if n_best > 1:
            beam = max(beam, n_best)
        cap = max_len or self.max_len
        wraps = [("", "")] * len(texts)  # quotation marks or brackets around a whole sentence
        inside = texts
        if not typed:
            from rnnkit.translate.surface import unwrapped

            split = [unwrapped(t) if t.strip() else ("", t, "") for t in texts]
            wraps = [(opening, closing) for opening, _, closing in split]
            inside = [body for _, body, _ in split]
        read = self.prepared(inside, spell_numbers, typed)
        swaps: list[list] = [[] for _ in texts]
        if carry_names and not typed and self.carries_names():
            from rnnkit.translate.names import swap_names

            swapped = [swap_names(r) for r in read]
            read, swaps = [text for text, _ in swapped], [made for _, made in swapped]
        wanted = self.numbers_to_check(texts, check_numbers)
        ids, cut = encode_sources(self.src_tok, read, self.max_src_len)
        results: list[Translation | None] = [None] * len(texts)
        from rnnkit.translate.numbers import ADDRESS

        for i, text in enumerate(texts):  # an empty line translates to an empty line
            if not text.strip():
                results[i] = Translation(text, "", [], [], [], False, False, None)
            elif not read[i].strip() or (
                not typed and not any(ch.isalpha() for ch in ADDRESS.sub(" ", text))
            ):
                # "...", "?!", an address alone ("https://x.org", "bob@x.com"), numbers alone ("42",
                # "3:30", "010-1234-5678"): the same in Korean, where the model would write a made-up
                # sentence (42: 열두 살이 됐어요이요...; the corpus has no sentence of a number alone);
                # and, typed or not, text of characters that show nothing (a lone zero-width space),
                # which the model reads as no source at all and made a sentence of (as_typed: 제가 보러
                # 가요해요...)
                alternatives = [(text.strip(), 0.0)] if n_best > 1 else None  # its one translation
                results[i] = Translation(text, text.strip(), [], [], [], False, False, None,
                                         alternatives=alternatives)  # fmt: skip
        todo = [i for i in range(len(texts)) if results[i] is None]
        redo: list[int] = []  # sentences whose swapped names could not be put back
        order = sorted(todo, key=lambda i: len(ids[i]))
        size = max(1, min(batch_size, MAX_BEAM_ROWS // beam))  # wide beams: fewer sentences per batch
        batches = [order[i : i + size] for i in range(0, len(order), size)]
        for batch in progress(batches, "translating", enabled=show_progress):
            src, src_len = pad_batch([ids[i] for i in batch], self.device)
            # (N,): each sentence its own, whatever its batch; --max-len counts the translation's pieces,
            # and its end token gets one step more (cut back by _within where a piece took that step)
            limit = (2 * src_len + 10).clamp(max=cap + 1)
            tree = BeamTrace(max_pruned=2 * beam) if trace else None  # bounded: a request stays small
            numbered = beam > 1 and wanted is not None and any(wanted[i] for i in batch)
            named = beam > 1 and any(swaps[i] for i in batch)
            if n_best > 1 or tree is not None or mbr or numbered or named:
                nbest = beam_search_nbest(self.model, src, src_len, beam, limit, alpha, attention,
                                          no_repeat_ngram, coverage, trace=tree)  # fmt: skip
                nbest = [[_within(h, cap) for h in hs] for hs in nbest]
                hyps = [
                    self._choose(h, wanted[i] if wanted else [], mbr, swaps[i])
                    for i, h in zip(batch, nbest, strict=True)
                ]
            else:
                hyps: list[Hypothesis] = decode(self.model, src, src_len, beam, limit, alpha, attention,
                                                no_repeat_ngram, coverage)  # fmt: skip
                hyps = [_within(h, cap) for h in hyps]
                nbest = None
            for row, (i, h) in enumerate(zip(batch, hyps, strict=True)):
                output, copied = self.tgt_tok.decode(h.ids), None
                if swaps[i]:
                    from rnnkit.translate.names import put_back

                    output = put_back(output, swaps[i])
                    if output is None:  # the placeholder not said once: translated again, as read
                        redo.append(i)
                        continue
                if wanted is not None:  # years and phone numbers: the source's digits, not the model's
                    from rnnkit.translate.number_check import copy_digits

                    output, copied = copy_digits(wanted[i], output)
                output = wraps[i][0] + output + wraps[i][1]
                results[i] = Translation(
                    source=texts[i],
                    text=output,
                    ids=h.ids,
                    src_pieces=self.src_tok.pieces(ids[i][:-1]) + ["</s>"],
                    tgt_pieces=self.tgt_tok.pieces(h.ids) + ([] if h.hit_max else ["</s>"]),
                    hit_max=h.hit_max,
                    truncated=cut[i],
                    attention=h.attention,
                    score=h.rank_score if h.rank_score is not None else h.score,
                    alternatives=None
                    if nbest is None or n_best == 1
                    else self._alternatives(nbest[row], swaps[i], n_best, wraps[i]),
                    trace=tree if row == 0 else None,
                    read_as=read[i] if read[i] != texts[i] else None,
                    numbers_missing=None
                    if wanted is None
                    else [n.typed for n in wanted[i] if not n.said_in(output)],
                    numbers_copied=copied or None,
                    unknown_share=self._unknown_share(ids[i][:-1]),
                    # names only: an opening adverb carried the same way (Meanwhile,) is no name
                    names_carried=[w.name for w in swaps[i] if not w.adverb] or None,
                    cut_at_max_len=h.hit_max and cap < 2 * len(ids[i]) + 10,  # the source's own limit
                )
        if redo:
            again = self._translate_sentences(
                [texts[i] for i in redo], typed, beam=beam, batch_size=batch_size, max_len=max_len,
                alpha=alpha, attention=attention, show_progress=False, no_repeat_ngram=no_repeat_ngram,
                coverage=coverage, n_best=n_best, trace=trace, mbr=mbr, spell_numbers=spell_numbers,
                check_numbers=check_numbers, carry_names=False,
            )  # fmt: skip
            for i, result in zip(redo, again, strict=True):
                results[i] = result
        return [r for r in results if r is not None]

    def carries_names(self) -> bool:
        """Whether unknown names are carried through corpus names (:mod:`~rnnkit.translate.names`): for
        an English-to-Korean model trained on the bundled corpus, the one whose names are the placeholders."""
        langs = (self.config.get("src_lang", "en"), self.config.get("tgt_lang", "ko"))
        return langs == ("en", "ko") and (self.config.get("data") or {}).get("corpus") == "bundled"

    def _alternatives(
        self, hyps: list[Hypothesis], swaps: list, n_best: int, wrap: tuple[str, str] = ("", "")
    ) -> list[tuple[str, float]]:
        """The n-best texts, their names put back and inside the source's ``wrap`` (quotation marks or
        brackets around it); a hypothesis that lost its placeholder is left out."""
        texts = [(self.tgt_tok.decode(a.ids), float(a.rank_score)) for a in hyps]
        if swaps:
            from rnnkit.translate.names import put_back

            texts = [(back, score) for text, score in texts if (back := put_back(text, swaps)) is not None]
        return distinct([(wrap[0] + text + wrap[1], score) for text, score in texts], n_best)

    def spells_numbers(self, spell_numbers: bool | None = None) -> bool:
        """Whether sources get their digits spelled out: ``spell_numbers``, else the model's own setting
        (only ever for an English source)."""
        from rnnkit.translate.numbers import english_only

        src_lang = self.config.get("src_lang", "en")
        if spell_numbers is None:
            return self.decoding()["spell_numbers"] and src_lang == "en"
        if spell_numbers:
            english_only(src_lang)
        return spell_numbers

    def prepared(self, texts: list[str], spell_numbers: bool | None = None, typed: bool = True) -> list[str]:
        """The sources as the model reads them: unless ``typed``, as the corpus writes English
        (:func:`~rnnkit.translate.surface.as_the_corpus_writes`), then with :meth:`spells_numbers` English
        digits in words. Characters that show nothing (a zero-width space, a soft hyphen: text copied
        from web pages and PDFs holds them inside words) are dropped, typed or not: the model never saw
        one, and read as a word break it translated ``stu\u200bdent`` as two unknown words. Full-width
        ASCII (``Ｉ ａｍ``) is read as ASCII: the model knows no full-width letter."""
        texts = [t.translate(_AS_PLAIN_TEXT) for t in texts]
        if not typed:
            from rnnkit.translate.surface import as_the_corpus_writes

            texts = [as_the_corpus_writes(t) if t.strip() else t for t in texts]
        if not self.spells_numbers(spell_numbers):
            return texts
        from rnnkit.translate.numbers import spell_out

        return [spell_out(t) for t in texts]

    def checks_numbers(self, check_numbers: bool | None = None) -> bool:
        """Whether outputs are checked for the sources' typed numbers: ``check_numbers``, else the
        model's own setting, and only from English to Korean, the languages whose numbers the check reads."""
        check = self.decoding()["check_numbers"] if check_numbers is None else check_numbers
        langs = (self.config.get("src_lang", "en"), self.config.get("tgt_lang", "ko"))
        return bool(check) and langs == ("en", "ko")

    def numbers_to_check(self, texts: list[str], check_numbers: bool | None = None) -> list | None:
        """Each source's typed numbers (:func:`~rnnkit.translate.number_check.source_numbers`), or None
        when numbers are not checked (:meth:`checks_numbers`)."""
        if not self.checks_numbers(check_numbers):
            return None
        from rnnkit.translate.number_check import source_numbers

        return [source_numbers(t) for t in texts]

    @functools.cached_property
    def _blank_id(self) -> int:
        """The source vocabulary's bare word-start piece ``▁`` (``UNK`` when it has none)."""
        return self.src_tok.sp.piece_to_id("▁")

    def _unknown_share(self, ids: list[int]) -> float:
        """The share of a source's pieces the model does not know, of those that hold a character (a
        bare word-start piece ``▁`` holds none): Korean into an English model gives ``▁ <unk> ▁ <unk>``."""
        pieces = [i for i in ids if i != self._blank_id or self._blank_id == UNK]
        return pieces.count(UNK) / len(pieces) if pieces else 0.0

    def _choose(self, hyps: list[Hypothesis], numbers: list, mbr: bool, swaps: Sequence = ()) -> Hypothesis:
        """One sentence's output from its n-best list: of the hypotheses that say the most of the
        source's ``numbers`` (all of them when it has none), the minimum-Bayes-risk one (chrF on the
        decoded text) with ``mbr``, else the beam's best. With names carried (``swaps``), hypotheses that
        say each placeholder so that the name can be put back come first
        (:func:`~rnnkit.translate.names.keeps_placeholders`); the beam's best often lost it where another
        hypothesis kept it ("I will meet Junho at the station tomorrow.")."""
        from rnnkit.translate.names import keeps_placeholders

        texts = [self.tgt_tok.decode(h.ids) for h in hyps]
        # (names kept, each as often as the source says it, numbers said): names first, as a lost
        # placeholder throws the whole output away
        named = list(swaps)
        rank = [
            (
                keeps_placeholders(t, named),
                keeps_placeholders(t, named, True),
                sum(n.said_in(t) for n in numbers),
            )
            for t in texts
        ]
        allowed = [k for k, r in enumerate(rank) if r == max(rank)]
        if not mbr:
            return hyps[allowed[0]]
        from rnnkit.translate.mbr import mbr_choice  # sacrebleu: imported only when MBR decodes

        scores = [h.rank_score if h.rank_score is not None else h.score for h in hyps]
        return hyps[mbr_choice(texts, scores, allowed=allowed)]
