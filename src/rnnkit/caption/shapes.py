"""Procedural captioned scenes: coloured shapes drawn with Pillow, described by a small grammar.

No captioned photographs can be had offline, so rnnkit makes its own data in the manner of ShapeWorld
and Sort-of-CLEVR. A scene holds 1 to 4 shapes, each with a kind, a colour and a size, placed in
distinct cells of a 3x3 grid (with jitter), so that "to the left of" and "above" are never ambiguous.
Every caption is generated from the scene itself, so its words are true of the picture.

Generalisation split: some colour-shape pairs (``HELD_OUT_PAIRS``, e.g. a red triangle) never occur in
the ``train``, ``val`` or ``test`` splits; every scene of ``test_heldout`` contains at least one of them.
Each colour and each shape is still seen in training, only not together.

Everything is a pure function of the seed: the same seed gives the same pixels and the same captions.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from rnnkit.utils.errors import RnnkitError

COLOURS: dict[str, tuple[int, int, int]] = {
    "red": (220, 40, 40),
    "green": (40, 180, 60),
    "blue": (50, 90, 230),
    "yellow": (235, 215, 40),
    "purple": (150, 60, 200),
    "orange": (245, 140, 30),
}
KINDS = ("circle", "square", "triangle", "diamond", "hexagon")
SIZES = {"small": 0.085, "large": 0.15}  # radius as a fraction of the image side
BACKGROUND = (25, 25, 25)
# One pair per shape, so every shape and every colour is still seen in training.
HELD_OUT_PAIRS: frozenset[tuple[str, str]] = frozenset(
    {
        ("red", "triangle"),
        ("green", "circle"),
        ("blue", "square"),
        ("yellow", "diamond"),
        ("purple", "hexagon"),
    }
)
SPLITS = ("train", "val", "test", "test_heldout")
ROW_WORDS = ("top", "middle", "bottom")
COL_WORDS = ("left", "centre", "right")
NUMBER_WORDS = {2: "two", 3: "three", 4: "four"}
# Words of one slot of the grammar that the image alone should choose: the decoder's word classes
# (caption.model). Not the colours: pooled too, the colour word came from an attention not yet on the
# next object, and colour precision fell from 0.97 to 0.82 (validation, docs/RESULTS.md, sixth pass).
WORD_CLASSES: dict[str, tuple[str, ...]] = {"shape": KINDS}


@dataclass(frozen=True)
class Shape:
    """One drawn shape: attributes, grid cell (row, col) and centre/radius in pixels."""

    kind: str
    colour: str
    size: str
    row: int
    col: int
    x: float
    y: float
    r: float

    def phrase(self, with_size: bool = True) -> str:
        """The noun phrase, e.g. ``"a large red circle"``, ``"an orange square"``."""
        words = [self.size, self.colour, self.kind] if with_size else [self.colour, self.kind]
        return " ".join([article(words[0]), *words])


def article(word: str) -> str:
    """The indefinite article before ``word``: ``an`` before a vowel (an orange square), else ``a``.
    (Data generated before this rule wrote "a orange"; the grounding reads both.)"""
    return "an" if word[:1] in "aeiou" else "a"


@dataclass(frozen=True)
class Scene:
    """A picture's content: its shapes and the image side in pixels."""

    shapes: tuple[Shape, ...]
    image_size: int

    def to_json(self) -> list[dict]:
        return [asdict(s) for s in self.shapes]


def sample_scene(rng: random.Random, image_size: int = 64, heldout: bool = False) -> Scene:
    """Draw 1-4 shapes in distinct grid cells.

    Args:
        rng: the random source (one per image keeps images independent of each other).
        image_size: side of the square image in pixels.
        heldout: False never uses a pair of ``HELD_OUT_PAIRS``; True makes the first shape one of them.
    """
    n = rng.randint(1, 4)
    cells = rng.sample(range(9), n)
    cell = image_size / 3
    allowed = [(c, k) for c in COLOURS for k in KINDS if (c, k) not in HELD_OUT_PAIRS]
    shapes = []
    for i, index in enumerate(cells):
        colour, kind = rng.choice(sorted(HELD_OUT_PAIRS) if heldout and i == 0 else allowed)
        size = rng.choice(tuple(SIZES))
        r = SIZES[size] * image_size
        row, col = divmod(index, 3)
        slack = max(cell / 2 - r - 1, 0.0)  # jitter that keeps the shape inside its cell
        x = (col + 0.5) * cell + rng.uniform(-slack, slack)
        y = (row + 0.5) * cell + rng.uniform(-slack, slack)
        shapes.append(Shape(kind, colour, size, row, col, round(x, 2), round(y, 2), round(r, 2)))
    return Scene(tuple(shapes), image_size)


def _polygon(x: float, y: float, r: float, corners: int, turn: float) -> list[tuple[float, float]]:
    return [
        (
            x + r * math.cos(turn + 2 * math.pi * k / corners),
            y + r * math.sin(turn + 2 * math.pi * k / corners),
        )
        for k in range(corners)
    ]


def render(scene: Scene, supersample: int = 1) -> Image.Image:
    """Draw the scene as an RGB Pillow image; anti-aliased when ``supersample > 1``.

    Pillow's ``ImageDraw`` does not anti-alias: a pixel is either inside a shape or not. At 64 pixels a
    small shape has a radius of 0.085 * 64 = 5.4 pixels, and drawn that way a small circle and a small
    hexagon of the same centre differ in only about 20 pixels (8 to 26 as the centre moves within a
    pixel), each wholly in or out as the pixel grid happens to fall: an aliased small circle is a
    jagged polygon much like the hexagon (most shape errors on never-seen pairs are green circles read
    as hexagons). With ``supersample = k > 1`` the scene is drawn at ``k`` times the side and each
    ``k x k`` block is averaged (``Image.BOX``): an edge pixel gets the share of its area the shape
    covers, the outline carries sub-pixel shape information, and circle and hexagon differ in about
    48 (41 to 56) blended pixels. Sizes, positions, colours and captions do not change; the output
    stays a pure function of the scene.

    The default stays 1 (aliased): trained on scenes drawn with ``supersample=4`` the default captioner
    named shapes no better on validation (shape precision 0.886 on seen and 0.766 on never-seen pairs,
    means of three training seeds, against 0.887 and 0.773 aliased; docs/RESULTS.md, "Fifth pass"):
    the attended features already tell the shapes apart, and the errors come from the decoder's
    language prior.

    Args:
        scene: what to draw.
        supersample: drawing scale before the block average; 1 draws aliased (the datasets of
            ``generate-data``).
    """
    _check_supersample(supersample)
    s, k = scene.image_size, supersample
    image = Image.new("RGB", (s * k, s * k), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for sh in scene.shapes:
        fill = COLOURS[sh.colour]
        x, y, r = sh.x * k, sh.y * k, sh.r * k  # pixel units of the large canvas
        if sh.kind == "circle":
            draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)
        elif sh.kind == "square":
            h = r * 0.85  # a square of the same visual weight as the circle
            draw.rectangle((x - h, y - h, x + h, y + h), fill=fill)
        elif sh.kind == "triangle":
            draw.polygon(_polygon(x, y + r * 0.15, r, 3, -math.pi / 2), fill=fill)
        elif sh.kind == "diamond":
            draw.polygon(_polygon(x, y, r, 4, -math.pi / 2), fill=fill)
        elif sh.kind == "hexagon":
            draw.polygon(_polygon(x, y, r, 6, 0.0), fill=fill)
        else:
            raise RnnkitError(f"unknown shape {sh.kind!r}; known: {', '.join(KINDS)}")
    return image if k == 1 else image.resize((s, s), Image.BOX)


def _check_supersample(supersample: int) -> None:
    if supersample < 1:
        raise RnnkitError(f"supersample must be at least 1, got {supersample}")


def _relation(a: Shape, b: Shape, rng: random.Random) -> str:
    """A true spatial relation "a REL b" from grid cells (distinct cells, so one always exists)."""
    options = []
    if a.col < b.col:
        options.append("to the left of")
    if a.col > b.col:
        options.append("to the right of")
    if a.row < b.row:
        options.append("above")
    if a.row > b.row:
        options.append("below")
    return rng.choice(options)


def captions_for(scene: Scene, rng: random.Random, count: int = 5) -> list[str]:
    """``count`` captions of the scene from the grammar (distinct where the grammar allows).

    Grammar (NP = "a [size] colour kind", "an" before a vowel: an orange square): one shape: "NP", "there is NP", "NP in the ROW COL";
    two: "NP REL NP", "NP and NP", "two shapes : NP and NP"; three or four: the list of all NPs,
    "N shapes including NP and NP", "NP REL NP" for a random pair. REL is a true relation.
    """
    shapes = list(scene.shapes)
    n = len(shapes)

    def np_(s: Shape) -> str:
        return s.phrase(with_size=rng.random() < 0.8)

    def one() -> str:
        if n == 1:
            s = shapes[0]
            form = rng.randrange(3)
            if form == 0:
                return np_(s)
            if form == 1:
                return f"there is {np_(s)}"
            return f"{np_(s)} in the {ROW_WORDS[s.row]} {COL_WORDS[s.col]}"
        a, b = rng.sample(shapes, 2)
        form = rng.randrange(3)
        if form == 0 or n == 2 and form == 2:
            return f"{np_(a)} {_relation(a, b, rng)} {np_(b)}"
        if n == 2:
            return f"{np_(a)} and {np_(b)}"
        if form == 1:
            order = rng.sample(shapes, n)
            return " , ".join(np_(s) for s in order[:-1]) + f" and {np_(order[-1])}"
        return f"{NUMBER_WORDS[n]} shapes including {np_(a)} and {np_(b)}"

    captions: list[str] = []
    for _ in range(count * 10):  # the grammar of a one-shape scene has few sentences; allow repeats
        text = one()
        if text not in captions:
            captions.append(text)
        if len(captions) == count:
            break
    while len(captions) < count:
        captions.append(one())
    return captions


def generate(
    out_dir: str | Path,
    counts: dict[str, int] | None = None,
    image_size: int = 64,
    captions_per_image: int = 5,
    seed: int = 0,
    show_progress: bool = False,
    supersample: int = 1,
) -> Path:
    """Write a scene dataset: ``images/*.png`` and ``dataset.json`` (Karpathy split format).

    Args:
        out_dir: the folder to write ``dataset.json`` and ``images/`` into, all or nothing; what else
            it holds is kept (:func:`rnnkit.utils.atomic.atomic_entries`).
        counts: images per split, keys from ``SPLITS``; default 3000/300/300/300.
        image_size: side in pixels (8 to 1024).
        captions_per_image: captions per scene (1 to 10).
        seed: the whole dataset is a function of it.
        supersample: passed to :func:`render` (1: aliased; 4: anti-aliased). Only the pixels change.

    Returns the path of ``dataset.json``.
    """
    from rnnkit.caption.datasets import write_generated
    from rnnkit.caption.generated import check_generated, image_name, planned_files, record_generated
    from rnnkit.utils.atomic import atomic_entries
    from rnnkit.utils.markers import DATASET_ENTRIES, Mark
    from rnnkit.utils.progress import progress

    counts = dict(counts or {"train": 3000, "val": 300, "test": 300, "test_heldout": 300})
    unknown = sorted(set(counts) - set(SPLITS))
    if unknown:
        raise RnnkitError(f"unknown split {unknown[0]!r}; known: {', '.join(SPLITS)}")
    if any(v < 0 for v in counts.values()) or sum(counts.values()) == 0:
        raise RnnkitError("image counts must be non-negative and not all zero")
    if not 8 <= image_size <= 1024:
        raise RnnkitError(f"--image-size must lie in 8..1024, got {image_size}")
    if not 1 <= captions_per_image <= 10:
        raise RnnkitError(f"--captions must lie in 1..10, got {captions_per_image}")
    _check_supersample(supersample)  # before the folder is begun, like the other arguments
    out_dir = Path(out_dir)
    check_dataset_images(out_dir)
    jobs = [(split, i) for split in SPLITS for i in range(counts.get(split, 0))]
    planned = planned_files(jobs)
    known = check_generated(out_dir, planned)
    with atomic_entries(out_dir, Mark("caption", "dataset"), names=DATASET_ENTRIES) as tmp:
        (tmp / "images").mkdir()
        entries = []
        for imgid, (split, i) in enumerate(progress(jobs, "scenes", enabled=show_progress)):
            rng = random.Random(f"{seed}/{split}/{i}")  # str seeds are hashed with SHA-512: stable
            scene = sample_scene(rng, image_size, heldout=split == "test_heldout")
            name = image_name(split, i)
            render(scene, supersample).save(tmp / "images" / name)
            texts = captions_for(scene, rng, captions_per_image)
            entries.append({"filename": name, "split": split, "imgid": imgid, "captions": texts,
                            "shapes": scene.to_json()})  # fmt: skip
        write_generated(tmp, entries, "shapes", image_size, supersample)
        record_generated(out_dir, planned, known)
    return out_dir / "dataset.json"


def check_dataset_images(out_dir: Path) -> None:
    """Refuse to generate into a data set folder whose ``images/`` holds anything its data set did not
    write: one line naming an entry and how many there are.

    Why: in a folder rnnkit marked as a caption data set, ``images/`` is replaced whole, so that no
    image of the previous data set is left (:func:`rnnkit.utils.atomic.atomic_entries`); a photo the
    user put there, a subfolder, or a plot another command wrote there would be deleted with it. Only
    the images the folder's ``dataset.json`` lists are rnnkit's. ``--force`` does not lift this: it lets
    rnnkit write into a user's folder, never delete from it. Any other folder (missing, empty, or the
    user's, written into with ``--force`` file by file) loses nothing, so it is not checked here.
    """
    from rnnkit.utils.markers import Mark, read_mark

    images = out_dir / "images"
    if read_mark(out_dir) != Mark("caption", "dataset") or images.is_symlink() or not images.is_dir():
        return  # a link or a file there is refused by atomic_entries itself
    from rnnkit.caption.datasets import GENERATION_FILE

    listed = listed_images(out_dir / "dataset.json") | {GENERATION_FILE}
    try:
        foreign = sorted(
            p.name for p in images.iterdir() if p.name not in listed or p.is_symlink() or not p.is_file()
        )
    except OSError as exc:
        raise RnnkitError(f"cannot read {images}: {exc.strerror or exc}") from None
    if foreign:
        from rnnkit.utils.wording import first_of, plural

        raise RnnkitError(
            f"{images} holds {plural(len(foreign), 'entry', 'entries')} that the data set there did not "
            f"write ({first_of(foreign)}); a new data set replaces images/ whole and would delete them, so "
            "it is not written, even with --force: move them out, or choose another --out"
        )


def listed_images(dataset_json: Path) -> frozenset[str]:
    """The image file names a generated ``dataset.json`` lists under ``images/``; none when it is
    missing or unreadable (then nothing in ``images/`` is known to be rnnkit's)."""
    import json

    try:
        doc = json.loads(dataset_json.read_text(encoding="utf-8"))
        items = doc["images"]
        return frozenset(
            item["filename"]
            for item in items
            if isinstance(item, dict)
            and item.get("filepath") == "images"
            and isinstance(item.get("filename"), str)
        )
    except (OSError, ValueError, KeyError, TypeError):
        return frozenset()


def scene_from_json(items: Sequence[dict], image_size: int) -> Scene:
    """Rebuild a :class:`Scene` from the ``shapes`` field of a generated dataset entry."""
    return Scene(tuple(Shape(**d) for d in items), image_size)
