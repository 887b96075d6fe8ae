"""The scene generator: determinism, captions true of the drawn picture, the held-out split."""

import json
import random
import re
import shutil

import numpy as np
import pytest
from PIL import Image

from rnnkit.caption.datasets import read_karpathy
from rnnkit.caption.shapes import (
    BACKGROUND,
    COL_WORDS,
    COLOURS,
    HELD_OUT_PAIRS,
    KINDS,
    NUMBER_WORDS,
    ROW_WORDS,
    Scene,
    Shape,
    captions_for,
    generate,
    render,
    sample_scene,
    scene_from_json,
)
from rnnkit.utils.errors import RnnkitError

NP = re.compile(rf"\ban? (?:(small|large) )?({'|'.join(COLOURS)}) ({'|'.join(KINDS)})")
REL = re.compile(r"^(.*?) (to the left of|to the right of|above|below) (.*)$")


def _match(scene, size, colour, kind):
    return [
        s for s in scene.shapes if s.colour == colour and s.kind == kind and (size is None or s.size == size)
    ]


def _check_caption(scene, text):
    """Every noun phrase names a drawn shape; relations, counts and positions are true."""
    phrases = NP.findall(text)
    assert phrases, text
    for size, colour, kind in phrases:
        assert _match(scene, size or None, colour, kind), (text, scene)
    rest = NP.sub("NP", text)
    allowed = {"NP", "there", "is", "and", ",", "shapes", "including", "to", "the", "left", "right", "of",
               "above", "below", "in", *ROW_WORDS, *COL_WORDS, *NUMBER_WORDS.values()}  # fmt: skip
    assert set(rest.split()) <= allowed, text
    for number, word in NUMBER_WORDS.items():
        if text.startswith(word + " "):
            assert len(scene.shapes) == number, text
    m = REL.match(text)
    if m:
        (sa, ca, ka), (sb, cb, kb) = NP.findall(m.group(1))[0], NP.findall(m.group(3))[0]
        relation = m.group(2)
        pairs = [(a, b) for a in _match(scene, sa or None, ca, ka) for b in _match(scene, sb or None, cb, kb)]
        test = {"to the left of": lambda a, b: a.col < b.col, "to the right of": lambda a, b: a.col > b.col,
                "above": lambda a, b: a.row < b.row, "below": lambda a, b: a.row > b.row}[relation]  # fmt: skip
        assert any(test(a, b) for a, b in pairs if a is not b), text
    if " in the " in text:
        (s,) = scene.shapes
        assert text.endswith(f"in the {ROW_WORDS[s.row]} {COL_WORDS[s.col]}"), text
    if len(scene.shapes) > 2 and " , " in text:  # the list form names every shape once
        assert len(phrases) == len(scene.shapes), text


def test_captions_are_true_of_the_scene():
    rng = random.Random(123)
    for _ in range(300):
        scene = sample_scene(rng, 64)
        assert 1 <= len(scene.shapes) <= 4
        caps = captions_for(scene, rng, 5)
        assert len(caps) == 5
        for text in caps:
            _check_caption(scene, text)


def test_the_article_is_an_before_a_vowel():
    """ "an orange square", never "a orange square"; "a small orange square" keeps "a"."""
    rng = random.Random(5)
    texts = [t for _ in range(400) for t in captions_for(sample_scene(rng, 64), rng, 5)]
    assert any("an orange" in t for t in texts) and any("a small orange" in t for t in texts)
    assert not any(re.search(r"\ba orange|\ban (?!orange)", t) for t in texts)


def test_rendered_pixels_show_the_described_colours():
    rng = random.Random(7)
    for _ in range(60):
        scene = sample_scene(rng, 64)
        pixels = np.asarray(render(scene))  # (H, W, 3)
        for s in scene.shapes:
            centre = pixels[int(round(s.y)), int(round(s.x))]
            np.testing.assert_array_equal(centre, np.array(COLOURS[s.colour], dtype=np.uint8))
        # shapes sit in distinct grid cells, so their descriptions never overlap in position
        cells = [(s.row, s.col) for s in scene.shapes]
        assert len(set(cells)) == len(cells)


def _small(kind, x, y, colour="green", size=64):
    r = round(0.085 * size, 2)
    return Scene((Shape(kind, colour, "small", 1, 1, x, y, r),), size)


def _pixels(scene, supersample=4):
    return np.asarray(render(scene, supersample)).astype(np.int64)  # (H, W, 3)


def test_anti_aliasing_separates_a_small_circle_from_a_small_hexagon():
    """The reason for the renderer: aliased, a small circle and hexagon differ in ~20 pixels; blended, in 40+."""
    rng = random.Random(0)
    aliased, blended = [], []
    for _ in range(40):
        x, y = 32 + rng.uniform(-4, 4), 32 + rng.uniform(-4, 4)
        for k, out in ((1, aliased), (4, blended)):
            d = np.abs(_pixels(_small("circle", x, y), k) - _pixels(_small("hexagon", x, y), k)).max(axis=2)
            out.append(int((d > 0).sum()))
    assert max(aliased) <= 30 and np.mean(aliased) < 25  # the diagnosis: about 16 to 20 pixels
    assert min(blended) >= 35 and np.mean(blended) > 2 * np.mean(aliased)


def test_edge_pixels_are_blended_between_shape_and_background():
    scene = _small("circle", 32.3, 31.7)
    aliased, blended = _pixels(scene, 1), _pixels(scene, 4)
    colours = {tuple(v) for v in aliased.reshape(-1, 3)}
    assert colours == {BACKGROUND, COLOURS["green"]}  # aliased: only the two colours
    fill, back = np.array(COLOURS["green"]), np.array(BACKGROUND)
    share = (blended - back) / (fill - back)  # (H, W, 3): covered share of each pixel, per channel
    edge = (share > 0.05) & (share < 0.95)
    assert edge[..., 1].sum() >= 20  # a ring of partly covered pixels around the circle
    # one coverage for all channels, to the rounding to uint8 of red's range of 15 levels (1/15)
    np.testing.assert_allclose(share[..., 0], share[..., 1], atol=0.07)
    # the blended image keeps the shape's area: the sum of shares is the disc's area within 3%
    np.testing.assert_allclose(share[..., 1].sum(), np.pi * scene.shapes[0].r ** 2, rtol=0.03)
    # and the pixel centre stays the pure colour
    np.testing.assert_array_equal(blended[32, 32], fill)


def test_render_is_deterministic_and_sub_pixel_moves_change_the_edges():
    rng = random.Random(3)
    scene = sample_scene(rng, 64)
    assert render(scene).tobytes() == render(scene).tobytes()
    a, b = _pixels(_small("circle", 32.0, 32.0), 4), _pixels(_small("circle", 32.25, 32.0), 4)
    assert 0 < np.abs(a - b).max() < 255  # a quarter-pixel move shifts coverage, not whole pixels


def test_render_rejects_a_supersample_below_one(tmp_path):
    with pytest.raises(RnnkitError, match="supersample must be at least 1"):
        render(_small("circle", 32, 32), 0)
    with pytest.raises(RnnkitError, match="supersample must be at least 1"):
        generate(tmp_path / "x", {"train": 1}, supersample=0)
    assert not (tmp_path / "x").exists()


def test_default_render_is_aliased_and_supersampled_datasets_change_only_pixels(tmp_path):
    """generate-data's pixels stay as before (aliased); supersample=4 blends them, captions unchanged."""
    scene = _small("hexagon", 30.6, 33.2)
    assert render(scene).tobytes() == render(scene, 1).tobytes()
    assert {tuple(v) for v in _pixels(scene, 1).reshape(-1, 3)} == {BACKGROUND, COLOURS["green"]}
    counts = {"train": 4, "val": 1, "test": 1, "test_heldout": 2}
    a = generate(tmp_path / "a", counts, image_size=32, seed=2)
    b = generate(tmp_path / "b", counts, image_size=32, seed=2, supersample=4)
    doc_a, doc_b = json.loads(a.read_text()), json.loads(b.read_text())
    # the same captions; other pixels, so another run token (a dataset.json pairs with its own images)
    assert doc_a.pop("generation") != doc_b.pop("generation") and doc_a == doc_b
    for name in (tmp_path / "a" / "images").glob("*.png"):
        old = np.asarray(Image.open(name)).astype(np.int64)
        new = np.asarray(Image.open(tmp_path / "b" / "images" / name.name)).astype(np.int64)
        assert old.shape == new.shape and len({tuple(v) for v in new.reshape(-1, 3)}) > len(
            {tuple(v) for v in old.reshape(-1, 3)}
        )  # blended edge colours appear
        assert np.abs(old - new).mean() < 10  # the same scene, only the edges differ


def test_generation_is_deterministic(tmp_path):
    counts = {"train": 6, "val": 2, "test": 2, "test_heldout": 2}
    a = generate(tmp_path / "a", counts, image_size=32, seed=5)
    b = generate(tmp_path / "b", counts, image_size=32, seed=5)
    c = generate(tmp_path / "c", counts, image_size=32, seed=6)
    assert a.read_text() == b.read_text()
    assert a.read_text() != c.read_text()
    images = sorted((tmp_path / "a" / "images").glob("*.png"))
    assert len(images) == sum(counts.values())  # the loop below compares every image, not none
    for name in images:
        assert name.read_bytes() == (tmp_path / "b" / "images" / name.name).read_bytes()


def test_held_out_split_excludes_pairs_from_training(tmp_path):
    counts = {"train": 120, "val": 20, "test": 20, "test_heldout": 40}
    path = generate(tmp_path / "d", counts, image_size=32, seed=1)
    data = json.loads(path.read_text())
    held = {f"{c} {k}" for c, k in HELD_OUT_PAIRS}
    for item in data["images"]:
        pairs = {(s["colour"], s["kind"]) for s in item["shapes"]}
        text = " | ".join(s["raw"] for s in item["sentences"])
        if item["split"] == "test_heldout":
            assert pairs & HELD_OUT_PAIRS, item["filename"]
        else:
            assert not pairs & HELD_OUT_PAIRS, item["filename"]
            assert not any(h in text for h in held), text
        scene = scene_from_json(item["shapes"], 32)
        for s in item["sentences"]:
            _check_caption(scene, s["raw"])
    assert {i["split"] for i in data["images"]} == {"train", "val", "test", "test_heldout"}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"counts": {"train": 2, "dev": 1}}, "unknown split 'dev'"),
        ({"counts": {"train": 0}}, "not all zero"),
        ({"counts": {"train": 2}, "image_size": 4}, "--image-size"),
        ({"counts": {"train": 2}, "captions_per_image": 0}, "--captions"),
    ],
)
def test_bad_generator_arguments(tmp_path, kwargs, message):
    with pytest.raises(RnnkitError, match=message):
        generate(tmp_path / "x", **kwargs)
    assert not (tmp_path / "x").exists()


def test_images_of_another_run_under_a_dataset_json_are_refused(tmp_path):
    """generate-data moves images/ into place before dataset.json: a run killed between the two left
    new images under old captions, the same file names pairing each image with another scene's
    captions without a word. The run token written into both tells them apart."""
    counts = {"train": 3, "val": 1}
    old = generate(tmp_path / "data", counts, image_size=32, seed=1)
    assert len(read_karpathy(old).records) == 4
    generate(tmp_path / "next", counts, image_size=32, seed=2)
    shutil.rmtree(tmp_path / "data" / "images")  # as the killed run left it: its images, the old json
    shutil.move(tmp_path / "next" / "images", tmp_path / "data" / "images")
    with pytest.raises(
        RnnkitError, match="dataset.json and .*images are not from the same run of generate-data"
    ):
        read_karpathy(old)
    (tmp_path / "data" / "images" / ".generation").unlink()  # images from elsewhere, no token at all
    with pytest.raises(RnnkitError, match="not from the same run"):
        read_karpathy(old)
    # a data set of the user's, with no token, is read as before
    doc = json.loads(old.read_text())
    del doc["generation"]
    (tmp_path / "data" / "mine.json").write_text(json.dumps(doc))
    assert len(read_karpathy(tmp_path / "data" / "mine.json").records) == 4
