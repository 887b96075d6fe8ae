"""Real handwriting: strings of 1 to 6 digits composed from the UCI handwritten digit scans.

The scans are the 1,797 8x8 images of the UCI "Optical Recognition of Handwritten Digits" data set
(E. Alpaydin and C. Kaynak, 1998; UCI Machine Learning Repository, CC BY 4.0,
https://doi.org/10.24432/C50P49), shipped inside scikit-learn (``sklearn.datasets.load_digits``), so
nothing is downloaded. An image is a row of 1 to 6 scans, each scaled to ``cell x cell`` pixels
(``cell = image_size * 10 // 64``) and drawn as dark ink on light paper with a random start and
vertical jitter; its caption is the number read out, one token per digit (``"3 5 1"``).

Split by scan: every scan belongs to exactly one of ``train`` (70%), ``val`` (15%) and ``test`` (15%),
drawn per digit class with the seed, and an image of a split uses only that split's scans, so a test
scan (a handwritten character) is never seen in training. Everything is a pure function of the seed.

The JSON entry of each image keeps ``digits`` (the number as a string) and ``scans`` (the scan indices).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from rnnkit.utils.errors import RnnkitError

SPLITS = ("train", "val", "test")
SCAN_SHARES = {"train": 0.70, "val": 0.15, "test": 0.15}
MAX_DIGITS = 6
PAPER, INK = 235, 20  # grey levels of the background and of full ink
ATTRIBUTION = (
    "UCI Optical Recognition of Handwritten Digits (Alpaydin and Kaynak, 1998), CC BY 4.0, "
    "https://doi.org/10.24432/C50P49, as shipped by scikit-learn"
)


def load_scans() -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 scans ``(N, 8, 8)`` in [0, 16] and their labels ``(N,)``."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise RnnkitError("--task digits needs scikit-learn (pip install scikit-learn)") from None
    d = load_digits()
    return d.images.astype(np.float32), d.target.astype(np.int64)


def split_scans(labels: np.ndarray, seed: int) -> dict[str, list[int]]:
    """Scan indices per split, 70/15/15 within each digit class (so every split has every digit)."""
    rng = random.Random(f"{seed}/digit-scans")
    out: dict[str, list[int]] = {s: [] for s in SPLITS}
    for digit in range(10):
        idx = [int(i) for i in np.flatnonzero(labels == digit)]
        rng.shuffle(idx)
        n_train = round(len(idx) * SCAN_SHARES["train"])
        n_val = round(len(idx) * SCAN_SHARES["val"])
        out["train"] += idx[:n_train]
        out["val"] += idx[n_train : n_train + n_val]
        out["test"] += idx[n_train + n_val :]
    return {s: sorted(v) for s, v in out.items()}


def render_digits(scans: np.ndarray, image_size: int, rng: random.Random) -> Image.Image:
    """Draw scans ``(k, 8, 8)`` side by side on a light ``image_size`` square (grayscale as RGB)."""
    cell = max(2, image_size * 10 // 64)
    k = len(scans)
    if k * cell > image_size:
        raise RnnkitError(f"{k} digits of {cell} px do not fit in {image_size} px")
    canvas = np.full((image_size, image_size), float(PAPER), dtype=np.float32)
    x = rng.randint(0, image_size - k * cell)
    y_mid = (image_size - cell) // 2
    jitter = max(1, image_size // 8)
    for scan in scans:
        ink = Image.fromarray((scan / 16.0 * 255).astype(np.uint8)).resize(
            (cell, cell), Image.Resampling.BILINEAR
        )
        y = min(max(0, y_mid + rng.randint(-jitter, jitter)), image_size - cell)
        alpha = np.asarray(ink, dtype=np.float32) / 255.0  # (cell, cell) ink share
        patch = canvas[y : y + cell, x : x + cell]
        canvas[y : y + cell, x : x + cell] = patch * (1 - alpha) + INK * alpha
        x += cell
    gray = Image.fromarray(canvas.round().astype(np.uint8))
    return gray.convert("RGB")


def caption_of(digits: Sequence[int]) -> str:
    """The caption: one token per digit, ``"3 5 1"``."""
    return " ".join(str(d) for d in digits)


def generate_digits(
    out_dir: str | Path,
    counts: dict[str, int] | None = None,
    image_size: int = 64,
    seed: int = 0,
    show_progress: bool = False,
) -> Path:
    """Write a digit-string dataset: ``images/*.png`` and ``dataset.json`` (Karpathy split format).

    Args:
        out_dir: the folder to write ``dataset.json``, ``images/`` and ``README.md`` into, all or
            nothing; what else it holds is kept (:func:`rnnkit.utils.atomic.atomic_entries`).
        counts: images per split (``train``, ``val``, ``test``); default 4000/500/1000.
        image_size: side in pixels (at least 32, so six digits fit).

    Returns the path of ``dataset.json``.
    """
    from rnnkit.caption.datasets import write_generated
    from rnnkit.caption.generated import check_generated, image_name, planned_files, record_generated
    from rnnkit.caption.shapes import check_dataset_images
    from rnnkit.utils.atomic import atomic_entries
    from rnnkit.utils.markers import DATASET_ENTRIES, Mark
    from rnnkit.utils.progress import progress

    counts = dict(counts or {"train": 4000, "val": 500, "test": 1000})
    unknown = sorted(set(counts) - set(SPLITS))
    if unknown:
        raise RnnkitError(f"unknown split {unknown[0]!r} for --task digits; known: {', '.join(SPLITS)}")
    if any(v < 0 for v in counts.values()) or sum(counts.values()) == 0:
        raise RnnkitError("image counts must be non-negative and not all zero")
    if not 32 <= image_size <= 1024:
        raise RnnkitError(f"--image-size must lie in 32..1024 for --task digits, got {image_size}")
    scans, labels = load_scans()
    pools = split_scans(labels, seed)
    jobs = [(split, i) for split in SPLITS for i in range(counts.get(split, 0))]
    out_dir = Path(out_dir)
    check_dataset_images(out_dir)
    planned = planned_files(jobs, readme=True)
    known = check_generated(out_dir, planned)
    with atomic_entries(out_dir, Mark("caption", "dataset"), names=DATASET_ENTRIES) as tmp:
        (tmp / "images").mkdir()
        entries = []
        for imgid, (split, i) in enumerate(progress(jobs, "digit strings", enabled=show_progress)):
            rng = random.Random(f"{seed}/digits/{split}/{i}")
            chosen = [rng.choice(pools[split]) for _ in range(rng.randint(1, MAX_DIGITS))]
            name = image_name(split, i)
            render_digits(scans[chosen], image_size, rng).save(tmp / "images" / name)
            digits = [int(labels[j]) for j in chosen]
            entries.append({"filename": name, "split": split, "imgid": imgid, "captions": [caption_of(digits)],
                            "digits": "".join(map(str, digits)), "scans": chosen})  # fmt: skip
        write_generated(tmp, entries, "uci-digits", image_size, seed)
        (tmp / "README.md").write_text(
            DATA_README.format(seed=seed, **{s: counts.get(s, 0) for s in SPLITS}), encoding="utf-8"
        )
        record_generated(out_dir, planned, known)
    return out_dir / "dataset.json"


DATA_README = """# Handwritten digit strings (written by `rnnkit caption generate-data --task digits --seed {seed}`)

Images: strings of 1 to 6 handwritten digits, composed from the 8x8 scans of the UCI "Optical
Recognition of Handwritten Digits" data set. Captions: the number, one token per digit.
Splits: train {train}, val {val}, test {test} images; each scan belongs to one split only (70/15/15 of
the scans per digit), so no test scan is seen in training.

## Source and licence

E. Alpaydin and C. Kaynak (1998). Optical Recognition of Handwritten Digits. UCI Machine Learning
Repository. https://doi.org/10.24432/C50P49. Licensed under Creative Commons Attribution 4.0
International (CC BY 4.0, https://creativecommons.org/licenses/by/4.0/). The scans are read from the
copy shipped with scikit-learn (`sklearn.datasets.load_digits`: the 1,797 test-set scans). These
images are an adaptation: scans scaled and composed into strings.
"""


def reading_scores(truths: Sequence[str], hyps: Sequence[Sequence[str]]) -> dict[str, float]:
    """How well captions read the numbers.

    ``sequence accuracy``: share of images whose caption is exactly the number; ``digit accuracy``:
    digits right in their position over ``sum max(len(truth), len(caption))`` (a missing or extra
    digit counts as wrong); ``length accuracy``: share with the right number of digits. A caption
    token that is not a single digit counts as a wrong digit.
    """
    if len(truths) != len(hyps):
        raise RnnkitError(f"{len(hyps)} captions for {len(truths)} numbers")
    if not truths:
        raise RnnkitError("nothing to score: no numbers")
    exact = right = total = same_len = 0
    for truth, hyp in zip(truths, hyps, strict=True):
        read = "".join(t if len(t) == 1 and t.isdigit() else "?" for t in hyp)
        exact += read == truth
        right += sum(a == b for a, b in zip(truth, read, strict=False))
        total += max(len(truth), len(read))
        same_len += len(read) == len(truth)
    n = len(truths)
    return {"sequence accuracy": exact / n, "digit accuracy": right / total, "length accuracy": same_len / n}
