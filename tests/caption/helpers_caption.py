"""Tiny trained captioners for the tests that need one: generated shapes scenes and a model trained on
them for one or two epochs, through the Python API or the command line."""

from __future__ import annotations

from pathlib import Path

from rnnkit.cli import main


def api_model_folder(root: Path, train: int, val: int, seed: int) -> Path:
    """``root/model``: a captioner trained for one epoch on ``train``/``val`` generated 32-px scenes
    (``root/data``), written by ``save_captioner`` with its familiarity statistics."""
    from rnnkit.caption.datasets import read_karpathy
    from rnnkit.caption.modelio import save_captioner
    from rnnkit.caption.pipeline import CaptionConfig, train_captioner
    from rnnkit.caption.shapes import generate

    data = read_karpathy(generate(root / "data", {"train": train, "val": val}, image_size=32, seed=seed))
    cfg = CaptionConfig(epochs=1, hidden_size=16, embed_size=8, attention_dim=8, channels=16, image_size=32,
                        device="cpu")  # fmt: skip
    result = train_captioner(data, cfg)
    return save_captioner(root / "model", result.model, result.vocab, cfg, result.max_len, ood=result.ood)


def cli_trained(root: Path, counts: dict[str, int], seed: int, *train_args: str) -> tuple[Path, Path]:
    """``caption generate-data`` into ``root/data`` (``counts``: train, val, test, heldout; 32-px scenes),
    then ``caption train`` into ``root/run`` with ``train_args``; returns (data folder, run folder)."""
    data, run = root / "data", root / "run"
    sizes = [arg for split, n in counts.items() for arg in (f"--{split}", str(n))]
    assert main(["caption", "generate-data", "--out", str(data), *sizes, "--image-size", "32",
                 "--seed", str(seed)]) == 0  # fmt: skip
    assert main(["caption", "train", "--data", str(data / "dataset.json"), "--out", str(run), *train_args,
                 "--image-size", "32"]) == 0  # fmt: skip
    return data, run


def own_captions(folder: Path, n: int = 20) -> tuple[Path, Path]:
    """``folder/captions.txt`` (Kaggle's format, so all train) and ``folder/Images/``: ``n`` tiny PNGs of
    a red or blue square or circle, two captions each: a user's own first data set, as docs/caption.md
    says to bring one."""
    from PIL import Image, ImageDraw

    (folder / "Images").mkdir(parents=True)
    lines = ["image,caption"]
    for i in range(n):
        colour, kind = ("red", "blue")[i % 2], ("circle", "square")[i // 2 % 2]
        image = Image.new("RGB", (16, 16), "white")
        draw = ImageDraw.Draw(image)
        (draw.ellipse if kind == "circle" else draw.rectangle)([3, 3, 12, 12], fill=colour)
        image.save(folder / "Images" / f"img{i:02d}.png")
        lines += [f"img{i:02d}.png,a {colour} {kind}", f"img{i:02d}.png,a {kind} that is {colour}"]
    (folder / "captions.txt").write_text("\n".join(lines) + "\n")
    return folder / "captions.txt", folder / "Images"
