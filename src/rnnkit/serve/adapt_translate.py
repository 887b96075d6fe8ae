"""The translate page's one door into :mod:`rnnkit.translate`: load a translator, translate one text.

If the translator's API changes, this file is the one place to follow it.
"""

from __future__ import annotations

import threading
from pathlib import Path

from rnnkit.serve import limits
from rnnkit.serve.registry import load_listed
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.linestream import split_lines

BEAM_TREE_NOTE = (
    "Each column is one step of the beam search: kept hypotheses solid, finished ones (end of "
    "sentence) ringed, the best pruned runners-up faded; the chosen translation is highlighted."
)


class TranslateAdapter:
    """Loads translators on first use (one per folder; ``None`` is the shipped one) and keeps them."""

    def __init__(self) -> None:
        self._loaded: dict[Path | None, object] = {}
        self._lock = threading.Lock()

    def translator(self, folder: Path | None):  # -> rnnkit.translate.translator.Translator
        with self._lock:
            if folder not in self._loaded:
                from rnnkit.translate.translator import Translator

                self._loaded[folder] = (
                    Translator.load(None, device="cpu")  # the shipped one, inside the package
                    if folder is None
                    else load_listed(folder, lambda f: Translator.load(f, device="cpu"))
                )
            return self._loaded[folder]

    def translate(self, folder: Path | None, text: str, beam: int, n_best: int) -> dict:
        """The translation of ``text`` with ``n_best`` alternatives, scores and the attention matrix."""
        check_text(text)
        if not 1 <= beam <= limits.MAX_BEAM:
            raise RnnkitError(f"beam must be between 1 and {limits.MAX_BEAM}, got {beam}")
        if not 1 <= n_best <= min(beam, limits.MAX_N_BEST):
            raise RnnkitError(f"n_best must be between 1 and the beam ({beam}), got {n_best}")
        from rnnkit.translate.stream import input_notes

        tr = self.translator(folder)
        # mbr=False: the page shows the beam search itself (its tree, its n-best, the chosen path
        # highlighted), so its translation is the beam's best even for a model saved with --mbr (of
        # the hypotheses that say the source's typed numbers, when some do: the number check)
        (t,) = tr.translate([text], beam=beam, n_best=n_best, attention=True, trace=True, mbr=False)
        attention = None if t.attention is None else t.attention.float().tolist()  # (T_out, S_in)
        decoded = bool(t.src_pieces)  # a text of no letters or digits ("...", "?!", 😀) comes back as typed
        # a text not decoded has no score: its one alternative is itself, unscored (the command line's
        # --n-best lists it as 0.000, the log-probability its sums of parts count it as)
        alternatives = t.alternatives if t.alternatives is not None and decoded else [(t.text, t.score)]
        return {
            "source": t.source,
            "read_as": t.read_as,  # digits spelled out, for a model that reads numbers as words
            "numbers_missing": t.numbers_missing,  # typed numbers the translation does not say
            "numbers_copied": t.numbers_copied,  # digits copied from the source over the model's
            "names_carried": t.names_carried,  # names it never learned, read as corpus names, put back
            "translation": t.text,
            "score": None if t.score is None else float(t.score),
            "alternatives": [{"text": a, "score": None if s is None else float(s)} for a, s in alternatives],
            "src_pieces": t.src_pieces,
            "tgt_pieces": t.tgt_pieces,
            "attention": attention,
            "decoded": decoded,  # false: nothing to translate, the text is given back as it is
            "unreadable": t.unreadable,  # most of it is unknown to the model (another language, emoji)
            "notes": input_notes(tr, t),  # what the model cannot read, in translate text's words
            "truncated": t.truncated,
            "hit_max": t.hit_max,
            "beam_tree": None if t.trace is None else beam_tree(t.trace, tr.tgt_tok, t.trace_ids or t.ids),
            "beam_tree_note": BEAM_TREE_NOTE + _sentences_note(tr, text, t),
            "cli_note": cli_note(tr.decoding(), beam),
        }

    def embed(self, folder: Path | None, texts: list[str]):
        """Source pieces and trained embeddings ``(L, E)`` of each text, and the translator's encoder
        layer (for the cells page: real, trained input vectors for the three cells)."""
        import torch

        tr = self.translator(folder)
        encoder = tr.model.encoder
        out = []
        for text in texts:
            ids = tr.src_tok.encode(text)[: tr.max_src_len]  # the translator's own length limit
            if not ids:
                raise RnnkitError("the sentence has no words the translator's tokenizer knows")
            with torch.no_grad():
                vectors = encoder.embed(torch.tensor(ids, dtype=torch.long))  # (L, E)
            out.append((tr.src_tok.pieces(ids), vectors))
        return out, encoder.rnn, tr.config["model"]


def cli_note(saved: dict, beam: int) -> str | None:
    """What the page says when ``rnnkit translate text`` may print another translation than it: for a model
    saved with minimum-Bayes-risk decoding (``saved``: :meth:`Translator.decoding`), which the command
    line uses and the page does not (it shows the beam's best, the path its tree draws). None otherwise."""
    if not (saved["mbr"] and saved["beam"] > 1):
        return None
    return (
        f"rnnkit translate text may print another translation: this model was saved to choose among its beam's "
        f"{saved['beam']} hypotheses by minimum Bayes risk, where this page shows the best of beam {beam}, the "
        "search drawn below."
    )


def beam_tree(trace, tgt_tok, chosen: list[int] | None = None) -> dict:
    """The search tree as JSON: its nodes (token ids as target pieces, eos as ``</s>``) and the ids of
    the path of the ``chosen`` output's tokens (else the search's best), root first. ``trace``: a
    :class:`rnnkit.nn.search.BeamTrace`."""
    from rnnkit.translate.tokenizer import EOS

    nodes = [
        {
            "id": n.id,
            "step": n.step,
            "parent": n.parent,
            "piece": "</s>" if n.token == EOS else tgt_tok.pieces([n.token])[0],
            "score": float(n.score),
            "status": n.status,
        }
        for n in trace.nodes
    ]
    return {"nodes": nodes, "best_path": [n.id for n in trace.path(chosen)], "max_pruned": trace.max_pruned}


def check_text(text: object) -> str:
    """A non-empty string of at most :data:`limits.MAX_TEXT_CHARS` characters, valid Unicode (JSON may
    carry a lone surrogate, ``"\\ud800"``), on one line: the model translates one sentence, and a
    second line would be merged into the first and lost."""
    if not isinstance(text, str) or not text.strip():
        raise RnnkitError("give a non-empty text")
    if len(text) > limits.MAX_TEXT_CHARS:
        raise RnnkitError(  # and what to do: a pasted paragraph is given a few sentences at a time
            f"text too long: {len(text):,} characters (at most {limits.MAX_TEXT_CHARS}); give it in parts "
            f"of at most {limits.MAX_TEXT_CHARS}, a few sentences at a time"
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise RnnkitError("text must be valid Unicode text (it holds a lone surrogate)") from None
    lines = [line for line in split_lines(text) if line.strip()]  # a form feed is no line end, as in the CLI
    if len(lines) > 1:
        raise RnnkitError(f"give one sentence a request: the text has {len(lines)} lines")
    return text


def corpus_sentences(count: int) -> list[str]:
    """``count`` English sentences spread evenly over the bundled corpus (for the span search)."""
    from rnnkit.translate.corpus import BUNDLED, read_anki

    pairs, _ = read_anki(BUNDLED)
    step = max(1, len(pairs) // count)
    return [src for src, _ in pairs[::step][:count]]


def _sentences_note(tr, text: str, t) -> str:  # noqa: ANN001
    """For an English text of several sentences (translated one by one): which sentence's search the
    tree shows (the search traces one sentence of a batch: the shortest)."""
    if t.trace_source is None or tr.config.get("src_lang", "en") != "en":
        return ""
    from rnnkit.translate.surface import sentences

    n = len(sentences(text))
    return f' This text holds {n} sentences, translated one by one; the tree is the search of "{t.trace_source}".'
