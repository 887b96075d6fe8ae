"""The Python API: ``Captioner.from_pretrained(folder).describe(images)``.

One call reads the images (paths, Pillow images, ``(H, W[, C])`` uint8 arrays, ``(C, H, W)`` or
``(N, C, H, W)`` uint8 tensors, or a list mixing them: :mod:`rnnkit.caption.inputs`), encodes them,
searches their captions (as the model was saved to: beam, length penalty, located check; ``beam=``
replaces the beam size), and scores how familiar each image is against the training data
(``rnnkit.caption.ood``)::

    from rnnkit.caption import Captioner

    cap = Captioner.from_pretrained("models/cap")
    for d in cap.describe(["a.png", "b.jpg"]):
        print(d.caption, d.score, d.attention.shape if d.attention is not None else None, d.unfamiliar)
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from rnnkit.caption.decode import Decoding
from rnnkit.caption.inputs import check_tensor, from_memory, is_pil, tensor_image
from rnnkit.caption.model import CaptionModel
from rnnkit.caption.vocab import Vocabulary
from rnnkit.utils.errors import InputTypeError, RnnkitError
from rnnkit.utils.reprs import compact_repr
from rnnkit.utils.whole import is_whole

BYTES = (bytes, bytearray, memoryview)  # a file's contents, never a list of numbers to read one by one
BYTES_HINT = ": a file's contents? wrap them as io.BytesIO(data), or give the file's path"
ACCEPTED = "give a path, an open binary file, a Pillow image, a uint8 array (H, W[, C]) or tensor (C, H, W)"


@dataclass
class Description:
    """One image described.

    ``caption``: the words as written (joined by spaces, but for none between Chinese characters or kana:
    ``一只狗``); ``score``: the caption's summed log-probability; ``attention``: one map per search step,
    ``(len(words) + 1, side, side)`` over the encoder grid (``(steps, L)`` when the grid is not square): a
    map per word, then that of the step that emitted ``<end>``, so ``attention[i]`` is where the model
    looked as it chose ``words[i]``; None without attention; ``ood_score``: Mahalanobis distance of the
    image's features from the training images' (None for a model saved without statistics);
    ``unfamiliar``: the score is above the threshold calibrated on validation images.
    """

    caption: str
    words: list[str]
    score: float
    attention: torch.Tensor | None
    ood_score: float | None
    ood_threshold: float | None
    unfamiliar: bool

    def __repr__(self) -> str:  # the caption and its scores; the attention maps as their shape
        return compact_repr(self, ("caption", "score"), ("attention", "ood_score", "unfamiliar"))

    def to_json(self) -> dict:
        return {
            "caption": self.caption,
            "log_prob": self.score,
            "ood_score": self.ood_score,
            "ood_threshold": self.ood_threshold,
            "unfamiliar": self.unfamiliar,
        }


@dataclass
class Captioner:
    """A loaded model ready to describe: model, frozen encoder (or None), vocabulary, settings,
    familiarity statistics (None for models saved without them).

    Load one with :meth:`from_pretrained` (or ``rnnkit.load(folder)``), then :meth:`describe` one image
    or a list (paths, Pillow images, uint8 arrays ``(H, W[, C])``, uint8 tensors ``(C, H, W)``):

    >>> cap = Captioner.from_pretrained("runs/cap", device="cpu")        # doctest: +SKIP
    >>> d = cap.describe("scene.png")[0]                                  # doctest: +SKIP
    >>> d.caption, d.attention.shape, d.unfamiliar                        # doctest: +SKIP
    ('a small red circle', torch.Size([5, 8, 8]), False)

    Bad input is a one-line :class:`~rnnkit.utils.errors.RnnkitError` (also a ``TypeError`` for a value
    of the wrong type: ``None``, bytes, ``decoding="greedy"``).
    """

    model: CaptionModel
    frozen: nn.Module | None
    vocab: Vocabulary
    config: object
    max_len: int
    ood: object = None  # rnnkit.caption.ood.OodDetector
    saved: dict | None = None  # the loaded folder's whole config (training record, ...), kept on save
    card: str | None = None  # the loaded folder's model card (README.md)

    def __repr__(self) -> str:
        """``Captioner(lstm + attention, 39 words, images 64 px, familiarity check on, device cpu)``;
        the network itself is ``self.model``."""
        decoder = self.model.decoder.config  # DecoderConfig
        cell = decoder.cell
        attends = " + attention" if decoder.attention else ""
        size = self.config.reading_size() if hasattr(self.config, "reading_size") else None
        device = next(self.model.parameters()).device
        return (
            f"Captioner({cell}{attends}, {len(self.vocab)} words"
            + (f", images {size} px" if size else "")
            + f", familiarity check {'on' if self.ood is not None else 'off'}, device {device})"
        )

    @classmethod
    def from_pretrained(
        cls, name_or_path: str | Path, device: str = "auto", revision: str | None = None
    ) -> Captioner:
        """Read a model folder written by :meth:`save_pretrained` or ``rnnkit caption train --out RUN``
        (``RUN`` or ``RUN/model``), or a Hugging Face Hub id ``owner/name`` (:mod:`rnnkit.utils.hub`); never unpickles.
        ``device``: ``"auto"``, ``"cpu"``, ``"cuda"``, ``"cuda:k"``, a ``torch.device``, an int (a CUDA index)
        or None (auto)."""
        from rnnkit.caption.modelio import load_captioner
        from rnnkit.utils.hub import model_dir

        return load_captioner(model_dir(name_or_path, revision), device)

    load = from_pretrained  # the name before from_pretrained (#15: one way to load); kept for old code

    def save_pretrained(self, folder: str | Path) -> Path:
        """Write this captioner as a model folder (config, weights, vocabulary, familiarity statistics,
        model card), whole or not at all; :meth:`from_pretrained` reads it back."""
        from rnnkit.caption.modelio import save_captioner
        from rnnkit.train.modelfile import saved_config

        own = ("application", "caption", "decoder", "max_len")
        extra = {k: v for k, v in saved_config(self.saved or {}).items() if k not in own}
        return save_captioner(
            folder, self.model, self.vocab, self.config, self.max_len, extra, self.ood, card=self.card
        )

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """Decoder features ``(N, L, D)`` of uint8 images ``(N, 3, S, S)``."""
        from rnnkit.caption.features import encode

        device = next(self.model.parameters()).device
        if self.frozen is not None:  # encode returns CPU features; the decoder may sit on a GPU
            return encode(self.frozen, images).to(device)
        with torch.no_grad():
            return self.model.features(images.to(device))

    def pixels(self, images: object) -> torch.Tensor:
        """Read ``images`` as uint8 ``(N, 3, S, S)`` at the model's input side; bad input raises RnnkitError.

        ``images``: a path, an open binary file (``io.BytesIO``), a Pillow image, an ``(H, W)`` or
        ``(H, W, 1|3|4)`` uint8 array, a uint8 tensor ``(1|3|4, H, W)``, ``(H, W)`` or ``(N, 1|3|4, H, W)``
        (bool too: black and white), or a list mixing them; other kinds are refused, never guessed at
        (:mod:`rnnkit.caption.inputs`). Each is converted as the file of it would be
        (:func:`rnnkit.caption.images.to_rgb`): a tensor of another size is resized by Pillow like an
        array, so it gets its saved file's caption.
        The first unreadable one raises, named by its path, or else by its place (``image 2 of 3: ...``);
        :meth:`read_each` goes on past it.
        """
        items = self._items(images)
        if isinstance(items, torch.Tensor):
            return items
        return self._stack(items, 0, len(items))

    def _stack(self, items: list, start: int, n: int) -> torch.Tensor:
        """``items``, places ``start``.. of a list of ``n``, read as uint8 ``(len(items), 3, S, S)``."""
        return torch.from_numpy(np.stack([self._read(item, start + j, n) for j, item in enumerate(items)]))

    def read_each(self, images: object) -> tuple[torch.Tensor, list[int], list[str]]:
        """Read each of ``images`` as :meth:`pixels` does, going on past the unreadable ones (as ``cat`` and
        ``grep`` go on past a file they cannot read): ``(pixels, kept, problems)``, the uint8 images read
        ``(N_kept, 3, S, S)``, the places in ``images`` they came from, and one message per image that
        could not be read. ``rnnkit caption describe`` describes ``pixels`` and prints the ``problems``::

            pixels, kept, problems = cap.read_each(["a.png", "broken.jpg", "c.png"])
            found = cap.describe(pixels) if kept else []  # kept == [0, 2]
        """
        items = self._items(images)
        if isinstance(items, torch.Tensor):
            return items, list(range(len(items))), []
        arrays, kept, problems = [], [], []
        for i, item in enumerate(items):
            try:
                arrays.append(self._read(item, i, len(items)))
            except RnnkitError as exc:
                problems.append(str(exc))
            else:
                kept.append(i)
        size = self.config.reading_size()  # type: ignore[attr-defined]
        pixels = (
            torch.from_numpy(np.stack(arrays)) if arrays else torch.zeros(0, 3, size, size, dtype=torch.uint8)
        )
        return pixels, kept, problems

    def _items(self, images: object) -> list | torch.Tensor:
        """``images`` as a list of single images, or as the tensor of them when it is already ``(N, 3, S, S)``
        at the model's side; a wrong type or an empty input raises."""
        size = self.config.reading_size()  # type: ignore[attr-defined]
        if isinstance(images, torch.Tensor) and images.dim() == 4:
            check_tensor(images, batch=True)
            if len(images) == 0:
                raise RnnkitError("no image given (the tensor holds 0 images)")
            if images.dtype == torch.uint8 and images.shape[1:] == (3, size, size):
                return images.cpu()
            images = list(images)  # each read as an array of it is: one resizing for every input kind
        if (
            isinstance(images, (str, os.PathLike, np.ndarray, torch.Tensor))
            or is_pil(images)
            or _is_file(images)
        ):
            images = [images]
        if isinstance(images, BYTES):  # a file's contents, as open(path, "rb").read() gives
            raise InputTypeError(
                f"cannot read images from a value of type {type(images).__name__}{BYTES_HINT}"
            )
        if not isinstance(images, Sequence):
            kind = type(images).__name__
            raise InputTypeError(
                f"cannot read images from a value of type {kind}: {ACCEPTED}, or a list of them"
            )
        if not images:
            raise RnnkitError("no image given")
        return list(images)

    def _read(self, item: object, i: int, n: int) -> np.ndarray:
        """One image of a list of ``n`` as uint8 ``(3, S, S)``; a RnnkitError about one not named by a path
        (an array, a tensor, an image made in memory, an empty path) says which of the ``n`` it is."""
        from rnnkit.caption.images import load_image

        size = self.config.reading_size()  # type: ignore[attr-defined]
        if isinstance(item, os.PathLike):  # an os.DirEntry, a zipfile.Path's extracted file, ...
            item = Path(os.fsdecode(item))
        if _is_file(item):  # an open binary file: named by its name, else (an io.BytesIO) by its place
            named = any(isinstance(getattr(item, k, None), str) for k in ("filename", "name"))
            try:
                return load_image(_seekable(item), size)
            except RnnkitError as exc:
                if n == 1 or named:
                    raise
                raise type(exc)(f"image {i + 1} of {n}: {exc}") from None
        if isinstance(item, (str, Path)) and str(item).strip():
            return load_image(item, size)  # a path
        try:
            if isinstance(item, str):  # "" was read as the current folder
                raise RnnkitError("an image path is empty: give the path of an image file")
            if isinstance(item, torch.Tensor):
                return from_memory(tensor_image(item), size, channels_known=True)  # (C, H, W) as (H, W, C)
            if is_pil(item) or isinstance(item, np.ndarray):
                return from_memory(item, size)
            hint = BYTES_HINT if isinstance(item, BYTES) else f": {ACCEPTED}"
            raise InputTypeError(f"cannot read an image from a {type(item).__name__}{hint}")
        except RnnkitError as exc:
            if n == 1 or getattr(item, "filename", ""):  # alone, or an image opened from a file: named
                raise
            raise type(exc)(f"image {i + 1} of {n}: {exc}") from None

    @torch.no_grad()
    def describe(
        self, images: object, beam: int | None = None, batch_size: int = 16, decoding: Decoding | None = None
    ) -> list[Description]:
        """Captions, scores, attention maps and familiarity of ``images`` (see :meth:`pixels`).

        Searched as the model was saved to (``config.decoding()``: beam, length penalty, located check),
        or with ``decoding``; ``beam`` replaces the beam size of either. Read ``batch_size`` images at a
        time, so a long list of paths holds the pixels of one batch; an unreadable one raises when its
        batch is reached (:meth:`read_each` goes on past it).
        """
        from rnnkit.caption.datasets import caption_text
        from rnnkit.caption.decode import search_captions
        from rnnkit.caption.ood import pooled
        from rnnkit.utils.threads import cpu_threads

        if not is_whole(batch_size) or batch_size < 1:
            raise RnnkitError(f"batch_size must be a whole number of at least 1, got {batch_size!r}")
        batch_size = int(batch_size)  # NumPy's integers too (np.arange(1, 9)[i]), as beam takes them
        if decoding is not None and not isinstance(decoding, Decoding):  # "greedy": str.replace's TypeError
            raise InputTypeError(
                f"decoding must be a rnnkit.caption.decode.Decoding, got {type(decoding).__name__} "
                f"{decoding!r}; for greedy search pass beam=1"
            )
        # the Python arguments are named in errors, not the command line's --beam
        decoding = (decoding or self.config.decoding()).replace(beam=beam).check()  # type: ignore[attr-defined]
        # read a batch at a time: a list of 10,000 photo paths held all their pixels (1.5 GB at 224 px)
        items = self._items(images)
        out: list[Description] = []
        with cpu_threads(self.config.threads):  # type: ignore[attr-defined]
            for i in range(0, len(items), batch_size):
                batch = items[i : i + batch_size]
                pixels = batch if isinstance(batch, torch.Tensor) else self._stack(batch, i, len(items))
                feats = self.features(pixels)  # (B, L, D)
                hyps = search_captions(self.model, feats, self.vocab, decoding, self.max_len)
                scores = self.ood.score(pooled(feats.cpu())).tolist() if self.ood is not None else None
                for j, h in enumerate(hyps):
                    words = self.vocab.decode(h.ids)
                    ood = None if scores is None else float(scores[j])
                    threshold = None if self.ood is None else self.ood.threshold  # type: ignore[attr-defined]
                    out.append(
                        Description(
                            caption_text(words),  # 一只狗 written so, not a character and a space at a time
                            words,
                            h.score,
                            _grid(h.attention),
                            ood,
                            threshold,
                            ood is not None and ood > threshold,
                        )  # fmt: skip
                    )
        return out


def _is_file(item: object) -> bool:
    """An open binary file: an ``io`` stream, or anything with ``read`` as Pillow takes (a web
    framework's upload, such as Flask's ``FileStorage``)."""
    return isinstance(item, io.IOBase) or (callable(getattr(item, "read", None)) and not is_pil(item))


def _seekable(item: object) -> object:
    """``item`` itself when it is an ``io`` stream, else its bytes in an ``io.BytesIO`` named as it is
    (a file-like object may lack ``seek``, which reading it and naming what it holds need)."""
    if isinstance(item, io.IOBase):
        return item
    name = getattr(item, "filename", None) or getattr(item, "name", None) or "image"
    content = item.read()  # type: ignore[attr-defined]
    if not isinstance(content, (bytes, bytearray, memoryview)):  # an upload opened as text
        raise InputTypeError(
            f"cannot read an image from {name}: its read() gave {type(content).__name__}, not bytes; open "
            "it in binary mode ('rb')"
        )
    data = io.BytesIO(content)
    data.name = name
    return data


def _grid(attention: torch.Tensor | None) -> torch.Tensor | None:
    """``(steps, L)`` maps as ``(steps, side, side)`` when ``L`` is a square."""
    if attention is None:
        return None
    side = int(round(attention.shape[1] ** 0.5))
    return attention.reshape(len(attention), side, side) if side * side == attention.shape[1] else attention
