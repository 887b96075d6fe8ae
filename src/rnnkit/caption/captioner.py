"""The Python API: ``Captioner.from_pretrained(folder).describe(images)``.

One call reads the images (paths, Pillow images, ``(H, W, 3)`` uint8 arrays, ``(3, H, W)`` or
``(N, 3, H, W)`` uint8 tensors, or a list mixing them), encodes them, searches their captions (as the
model was saved to: beam, length penalty, located check; ``beam=`` replaces the beam size), and scores
how familiar each image is against the training data (``rnnkit.caption.ood``)::

    from rnnkit.caption import Captioner

    cap = Captioner.from_pretrained("models/cap")
    for d in cap.describe(["a.png", "b.jpg"]):
        print(d.caption, d.score, d.attention.shape if d.attention is not None else None, d.unfamiliar)
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from rnnkit.caption.decode import Decoding
from rnnkit.caption.images import FLOAT_HINT
from rnnkit.caption.model import CaptionModel
from rnnkit.caption.vocab import Vocabulary
from rnnkit.utils.errors import InputTypeError, RnnkitError
from rnnkit.utils.reprs import compact_repr
from rnnkit.utils.whole import is_whole


@dataclass
class Description:
    """One image described.

    ``caption``: the words joined by spaces; ``score``: the caption's summed log-probability;
    ``attention``: one map per emitted word ``(steps, side, side)`` over the encoder grid (``(steps, L)``
    when the grid is not square), None without attention; ``ood_score``: Mahalanobis distance of the
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
    or a list (paths, Pillow images, uint8 arrays ``(H, W[, C])``, uint8 tensors ``(3, H, W)``):

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
        ``(H, W, 1|3|4)`` uint8 array, a uint8 tensor ``(3, H, W)`` or ``(N, 3, H, W)``, or a list mixing
        them. Each is converted as the file of it would be (:func:`rnnkit.caption.images.to_rgb`): a
        tensor of another size is resized by Pillow like an array, so it gets its saved file's caption.
        The first unreadable one raises, named by its path, or else by its place (``image 2 of 3: ...``);
        :meth:`read_each` goes on past it.
        """
        items = self._items(images)
        if isinstance(items, torch.Tensor):
            return items
        return torch.from_numpy(np.stack([self._read(item, i, len(items)) for i, item in enumerate(items)]))

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
            _check_tensor(images, "(N, 3, H, W)")
            if len(images) == 0:
                raise RnnkitError("no image given (the tensor holds 0 images)")
            if images.shape[2:] == (size, size):
                return images.cpu()
            images = list(images)  # each read as an array of it is: one resizing for every input kind
        if isinstance(images, (str, Path, io.IOBase, np.ndarray, torch.Tensor)) or _is_pil(images):
            images = [images]
        if isinstance(images, (bytes, bytearray)):  # a file's contents, as open(path, "rb").read() gives
            raise InputTypeError(
                f"cannot read images from a value of type {type(images).__name__}: a file's contents? "
                "wrap them as io.BytesIO(data), or give the file's path"
            )
        if not isinstance(images, Sequence):
            kind = type(images).__name__
            raise InputTypeError(
                f"cannot read images from a value of type {kind}: give a path, a Pillow image, a uint8 array "
                "or tensor, or a list of them"
            )
        if not images:
            raise RnnkitError("no image given")
        return list(images)

    def _read(self, item: object, i: int, n: int) -> np.ndarray:
        """One image of a list of ``n`` as uint8 ``(3, S, S)``; a RnnkitError about one not named by a path
        (an array, a tensor, an image made in memory, an empty path) says which of the ``n`` it is."""
        from rnnkit.caption.images import load_image

        size = self.config.reading_size()  # type: ignore[attr-defined]
        if isinstance(item, (str, Path, io.IOBase)) and str(item).strip():
            return load_image(item, size)  # a path, or an open binary file (io.BytesIO): named by it
        try:
            if isinstance(item, str):  # "" was read as the current folder
                raise RnnkitError("an image path is empty: give the path of an image file")
            if isinstance(item, torch.Tensor):
                _check_tensor(item, "(3, H, W)")
                return _from_memory(item.cpu().permute(1, 2, 0).numpy(), size)  # (H, W, 3)
            if _is_pil(item) or isinstance(item, np.ndarray):
                return _from_memory(item, size)
            raise InputTypeError(f"cannot read an image from a {type(item).__name__}")
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
        or with ``decoding``; ``beam`` replaces the beam size of either.
        """
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
        pixels = self.pixels(images)
        out: list[Description] = []
        with cpu_threads(self.config.threads):  # type: ignore[attr-defined]
            for i in range(0, len(pixels), batch_size):
                feats = self.features(pixels[i : i + batch_size])  # (B, L, D)
                hyps = search_captions(self.model, feats, self.vocab, decoding, self.max_len)
                scores = self.ood.score(pooled(feats.cpu())).tolist() if self.ood is not None else None
                for j, h in enumerate(hyps):
                    words = self.vocab.decode(h.ids)
                    ood = None if scores is None else float(scores[j])
                    threshold = None if self.ood is None else self.ood.threshold  # type: ignore[attr-defined]
                    out.append(
                        Description(
                            " ".join(words),
                            words,
                            h.score,
                            _grid(h.attention),
                            ood,
                            threshold,
                            ood is not None and ood > threshold,
                        )  # fmt: skip
                    )
        return out


def _is_pil(item: object) -> bool:
    return type(item).__module__.startswith("PIL.")


def _grid(attention: torch.Tensor | None) -> torch.Tensor | None:
    """``(steps, L)`` maps as ``(steps, side, side)`` when ``L`` is a square."""
    if attention is None:
        return None
    side = int(round(attention.shape[1] ** 0.5))
    return attention.reshape(len(attention), side, side) if side * side == attention.shape[1] else attention


def _check_tensor(item: torch.Tensor, layout: str) -> None:
    """A one-line error unless ``item`` is a uint8 tensor of RGB images in ``layout`` (channels first)."""
    dims = layout.count(",") + 1
    if item.dtype != torch.uint8 or item.dim() != dims or item.shape[-3] != 3:
        hint = FLOAT_HINT if item.dtype.is_floating_point else ""
        raise RnnkitError(
            f"an image tensor must be uint8 {layout}, got {str(item.dtype).removeprefix('torch.')} "
            f"{tuple(item.shape)}{hint}"
        )


# the scale a 16-bit file is read on (rnnkit.caption.images.high_bit_to_8bit), so the array gets its file's caption
SIXTEEN_BIT_HINT = (
    "; 16-bit values: pass (array / 257).round().astype(numpy.uint8), the scale a 16-bit file is read on"
)


def _layout_hint(shape: tuple[int, ...]) -> str:
    """How to pass an array of another layout: channels first (as torch holds images), or a batch."""
    if len(shape) == 3 and shape[0] in (1, 3, 4):
        return "; channels first? pass array.transpose(1, 2, 0)"
    if len(shape) == 4:
        return "; a batch of images? pass list(array)"
    return ""


def _from_memory(item: object, size: int) -> np.ndarray:
    """A Pillow image or an ``(H, W)`` / ``(H, W, 1|3|4)`` uint8 array as ``(3, size, size)`` uint8, converted
    as a file of it would be (:func:`rnnkit.caption.images.to_rgb`)."""
    from PIL import Image

    from rnnkit.caption.images import check_side, to_rgb

    if isinstance(item, np.ndarray):
        if (
            item.dtype != np.uint8
            or item.ndim not in (2, 3)
            or (item.ndim == 3 and item.shape[2] not in (1, 3, 4))
        ):
            hint = FLOAT_HINT if np.issubdtype(item.dtype, np.floating) else _layout_hint(item.shape)
            if item.dtype == np.uint16 and not hint:  # a 16-bit scan (tifffile, OpenCV's IMREAD_UNCHANGED)
                hint = SIXTEEN_BIT_HINT
            raise RnnkitError(
                f"an image array must be uint8 (H, W) or (H, W, 1|3|4), got {item.dtype} {item.shape}{hint}"
            )
        if item.ndim == 3 and item.shape[2] == 1:
            item = item[:, :, 0]  # one channel: grayscale, as (H, W)
        item = Image.fromarray(np.ascontiguousarray(item))
    shown = getattr(item, "filename", "") or "image"  # an image opened from a file is named by it
    check_side(item.size, shown)  # type: ignore[attr-defined]
    try:
        rgb = to_rgb(item, size, shown)  # Image.open reads pixels lazily: a truncated file fails only here
    except RnnkitError:  # said whole (a float image of 0..1): a ValueError, but not Pillow's
        raise
    except (OSError, ValueError, SyntaxError) as exc:  # and a closed image ("Operation on closed image")
        why = " ".join(str(exc).split())  # one line, whatever Pillow's message holds
        raise RnnkitError(f"unreadable image {shown} ({exc.__class__.__name__}: {why})") from None
    except AssertionError:  # Pillow asserts its file is open: an image used after its `with` block
        raise RnnkitError(
            f"unreadable image {shown} (its pixels were never loaded and its file is closed: call .load() "
            "inside the `with` block, or describe the path)"
        ) from None
    return np.asarray(rgb, dtype=np.uint8).transpose(2, 0, 1).copy()
