"""Every captioning target of issue 12, measured: shapes, digits, out-of-distribution, demo.

1. **shapes**: ``rnnkit caption generate-data`` (seed 0), ``rnnkit caption train`` with no flags, then
   the captions (the model's saved decoding, as ``caption eval`` searches) of ``test`` (seen colour-shape pairs) and ``test_heldout`` (never-trained pairs):
   per-attribute precision and recall beside BLEU, CIDEr-D and ROUGE-L, the most-frequent-caption
   baseline, distinct captions, and the verdict line.
2. **digits**: ``generate-data --task digits`` (seed 0; test scans never in training), ``train`` with no
   flags; sequence and per-digit accuracy and CIDEr-D on ``test`` beside the most frequent caption and
   a per-position classifier of the same parameter count trained for the same epochs (part
   ``baseline``, after ``digits`` has written the data).
3. **ood**: share flagged as unfamiliar by each model's ``ood.json`` of its own test images (should
   be at most 5%), of photo-like images (at least 95%: the two photographs scikit-learn ships, in
   random crops, and procedural ones: noise, gradients, 1/f "natural" textures, blurred blobs) and of
   the other task's test images (at least 95%).
4. **demo**: the caption section of ``rnnkit demo`` (its scores.json).

Training time is CPU time (user + sys of the training process, one thread: rnnkit's default), since
the machine is shared and wall time would measure the other users; on 2 idle cores one thread's CPU
time is the wall time. Writes ``OUT/results_PART.json`` per part, merges them into
``OUT/results.json`` and prints it. Parts may run in parallel (``--only shapes`` and ``--only digits``,
then ``--only ood``, which needs both models).

    OMP_NUM_THREADS=1 python benchmarks/eval_caption.py --out runs/eval_caption
    python benchmarks/eval_caption.py --out runs/eval_caption --skip-demo --only shapes
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFilter


def _cli(*args: str) -> float:
    """Run ``rnnkit ARGS`` in a child process; returns its CPU seconds (user + sys)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "rnnkit", *args], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def photo_like(out: Path, n: int = 200, seed: int = 0) -> list[Path]:
    """Write ``n`` photo-like images (no photographs are available offline) and return their paths.

    A quarter each: random crops of scikit-learn's two sample photographs (``china.jpg``,
    ``flower.jpg``), resized; smooth colour gradients with sensor noise; 1/f ("pink") noise textures,
    whose power spectrum falls like natural images'; and blurred random blobs over a gradient.
    """
    from sklearn.datasets import load_sample_images

    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    photos = load_sample_images().images
    paths = []
    for i in range(n):
        kind = i % 4
        w, h = int(rng.integers(96, 640)), int(rng.integers(96, 480))
        if kind == 0:
            photo = photos[i // 4 % len(photos)]
            ch, cw = int(rng.integers(64, photo.shape[0])), int(rng.integers(64, photo.shape[1]))
            y, x = (
                int(rng.integers(0, photo.shape[0] - ch + 1)),
                int(rng.integers(0, photo.shape[1] - cw + 1)),
            )
            img = Image.fromarray(photo[y : y + ch, x : x + cw]).resize((w, h))
        elif kind == 1:
            a, b = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
            t = np.linspace(0, 1, w)[None, :, None] * rng.uniform(0.3, 1) + np.linspace(0, 1, h)[
                :, None, None
            ] * rng.uniform(0, 0.7)
            arr = a + (b - a) * np.clip(t, 0, 1) + rng.normal(0, rng.uniform(3, 25), (h, w, 3))
            img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
        elif kind == 2:
            fy, fx = np.fft.fftfreq(h)[:, None], np.fft.fftfreq(w)[None, :]
            amp = 1.0 / np.maximum(np.sqrt(fx**2 + fy**2), 1.0 / max(w, h)) ** rng.uniform(0.8, 1.6)
            chans = []
            for _ in range(3):
                phase = np.exp(2j * np.pi * rng.random((h, w)))
                field = np.real(np.fft.ifft2(amp * phase))
                chans.append((field - field.mean()) / (field.std() + 1e-9))
            mix = rng.normal(0, 1, (3, 3)) * 0.5 + np.eye(3)  # correlated colour channels, as in photos
            arr = np.einsum("ij,jhw->hwi", mix, np.stack(chans)) * rng.uniform(25, 60) + rng.uniform(
                60, 190, 3
            )
            img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
        else:
            base = rng.integers(0, 256, 3)
            img = Image.new("RGB", (w, h), tuple(int(v) for v in base))
            draw = ImageDraw.Draw(img)
            for _ in range(int(rng.integers(5, 30))):
                x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(5, max(w, h) / 4)
                draw.ellipse(
                    (x - r, y - r, x + r, y + r), fill=tuple(int(v) for v in rng.integers(0, 256, 3))
                )
            img = img.filter(ImageFilter.GaussianBlur(rng.uniform(1, 6)))
        path = out / f"photo_{i:03d}.{'jpg' if kind == 0 else 'png'}"
        img.save(path)
        paths.append(path)
    return paths


def _scores(model_dir: Path, data_json: Path, splits: list[str]) -> dict:
    """The captions of ``splits``, searched as the model was saved to (``caption eval``'s default; models
    from before the seventh pass: greedy), scored with everything that applies, and the verdict."""
    from rnnkit.caption.captioner import Captioner
    from rnnkit.caption.datasets import read_karpathy
    from rnnkit.caption.metrics import most_frequent_caption
    from rnnkit.caption.pipeline import caption_split, prepare_split
    from rnnkit.caption.verdict import split_scores, verdict

    cap = Captioner.from_pretrained(model_dir, "cpu")
    data = read_karpathy(data_json)
    train_caps = [c for r in data.split("train") for c in r.captions]
    best = most_frequent_caption(train_caps)
    out: dict = {}
    for split in splits:
        part = prepare_split(data.split(split), cap.config)
        hyps = caption_split(cap.model, part.inputs, cap.vocab, cap.config.decoding(), cap.max_len)
        words = [cap.vocab.decode(h.ids) for h in hyps]
        scenes, numbers = [r.scene for r in part.records], [r.digits for r in part.records]
        out[split] = {
            "images": len(words),
            "model": split_scores(words, part.refs, train_caps, scenes, numbers),
            "most_frequent_caption": split_scores(
                [best] * len(words), part.refs, train_caps, scenes, numbers
            ),
            "examples": [" ".join(w) for w in words[:5]],
            "decoding": cap.config.decoding().describe(),
        }
        if all(sc is not None for sc in scenes):
            out[split]["confusions"] = confusions(scenes, words)
    out["verdict"] = verdict({s: out[s]["model"] for s in splits})
    return out


def confusions(scenes: list, words: list) -> dict:
    """On one-shape scenes: how often each drawn colour (kind) is named as each other one."""
    from collections import Counter

    from rnnkit.caption.grounding import noun_phrases

    counts: dict[str, Counter] = {"colour": Counter(), "kind": Counter()}
    for scene, hyp in zip(scenes, words, strict=True):
        phrases = noun_phrases(hyp)
        if len(scene) != 1 or not phrases:
            continue
        for attr in counts:
            named = getattr(phrases[0], attr)
            if named != scene[0][attr]:
                counts[attr][f"{scene[0][attr]} -> {named}"] += 1
    return {attr: dict(c.most_common(8)) for attr, c in counts.items()}


def model_from_run(run_dir: Path, data_json: Path, out: Path) -> dict:
    """A model folder from an unfinished run's best weights so far (when machine time ran out).

    Rebuilds the default model with the run's vocabulary and ``max_len``, loads ``best.safetensors``
    of the newest checkpoint, fits the familiarity statistics on the train and val images as
    ``caption train`` does, and saves the folder. Returns what the run had reached.
    """
    from safetensors.torch import load_file

    from rnnkit.caption.datasets import read_karpathy
    from rnnkit.caption.modelio import save_captioner
    from rnnkit.caption.pipeline import (
        CaptionConfig,
        build_model,
        fit_familiarity,
        prepare_split,
        split_train_val,
    )
    from rnnkit.caption.vocab import Vocabulary

    latest = run_dir / "checkpoints" / (run_dir / "checkpoints" / "LATEST").read_text().strip()
    state = json.loads((latest / "trainer_state.json").read_text())
    run = json.loads((run_dir / "run.json").read_text())
    cfg = CaptionConfig(device="cpu")
    vocab = Vocabulary.from_json((run_dir / "vocab.json").read_text())
    weights = load_file(str(latest / "best.safetensors"))
    model, _ = build_model(cfg, len(vocab), located=any(k.startswith("located.") for k in weights))
    model.load_state_dict(weights)
    data = read_karpathy(data_json)
    train_recs, val_recs = split_train_val(data, cfg.seed, cfg.max_train)
    train, val = prepare_split(train_recs, cfg), prepare_split(val_recs, cfg)
    ood = fit_familiarity(model, train, val)
    reached = {"epochs_run": state["epoch"], "best_epoch": state["best_epoch"], "of_epochs": cfg.epochs,
               "val_cider_d": state["best"], "partial": True}  # fmt: skip
    save_captioner(out, model, vocab, cfg, int(run["state"]["max_len"]), {"training": reached}, ood)
    return reached


def _flagged(model_dir: Path, paths: list[Path]) -> dict:
    from rnnkit.caption.captioner import Captioner

    cap = Captioner.from_pretrained(model_dir, "cpu")
    found = []
    for i in range(0, len(paths), 64):
        found += cap.describe(paths[i : i + 64], beam=1)
    flags = [d.unfamiliar for d in found]
    return {"images": len(flags), "flagged": sum(flags) / len(flags),
            "median score": float(np.median([d.ood_score for d in found])), "threshold": found[0].ood_threshold}  # fmt: skip


def position_baseline(data_json: Path) -> dict:
    """The per-position classifier with the default captioner's parameter count, same data and epochs."""
    from rnnkit.caption.augment import resolve_augment
    from rnnkit.caption.datasets import read_karpathy
    from rnnkit.caption.digits import reading_scores
    from rnnkit.caption.metrics import cider_d
    from rnnkit.caption.pipeline import CaptionConfig, build_model, prepare_split
    from rnnkit.caption.position_baseline import read_out, train_position_reader
    from rnnkit.caption.vocab import Vocabulary

    cfg = CaptionConfig(device="cpu")  # the defaults of `caption train`
    data = read_karpathy(data_json)
    vocab = Vocabulary.build([c for r in data.split("train") for c in r.captions], cfg.min_count)
    captioner, _ = build_model(cfg, len(vocab))
    params = sum(p.numel() for p in captioner.parameters())
    locations = captioner.decoder.config.locations
    parts = {s: prepare_split(data.split(s), cfg) for s in ("train", "val", "test")}
    numbers = {s: [r.digits for r in p.records] for s, p in parts.items()}
    cpu0 = time.process_time()
    model = train_position_reader(parts["train"].inputs, numbers["train"], parts["val"].inputs, numbers["val"],
                                  params, cfg.channels, locations, cfg.epochs, cfg.batch_size, cfg.lr, cfg.seed,
                                  resolve_augment(cfg.augment, handwriting=True))  # fmt: skip
    cpu = time.process_time() - cpu0
    with torch.no_grad():
        words = read_out(torch.cat([model(x) for x in parts["test"].inputs.split(256)]))
    scores = reading_scores(numbers["test"], words)
    scores["CIDEr-D"] = cider_d(parts["test"].refs, words)
    scores["parameters"] = sum(p.numel() for p in model.parameters())
    scores["captioner parameters"] = params
    scores["epochs"] = cfg.epochs
    scores["cpu_s"] = round(cpu)
    return scores


def _f(x: object) -> str:
    if x is None or (isinstance(x, float) and x != x):
        return "–"
    return f"{x:.3f}" if isinstance(x, float) else str(x)


def markdown(results: dict) -> str:
    """The tables of docs/RESULTS.md from ``results.json``."""
    lines = []
    if "shapes" in results:
        r = results["shapes"]
        cols = ["BLEU-1", "BLEU-4", "CIDEr-D", "ROUGE-L", "distinct"]
        attrs = ["colour", "shape", "size", "position", "count", "phrase"]
        lines += ["| split | system | " + " | ".join(cols) + " |", "|---|---|" + "---|" * len(cols)]
        for split in ("test", "test_heldout"):
            for system in ("model", "most_frequent_caption"):
                lines.append(
                    f"| {split} | {system.replace('_', ' ')} | "
                    + " | ".join(_f(r[split][system][c]) for c in cols)
                    + " |"
                )
        lines += ["", "| split | system | " + " | ".join(f"{a} P / R" for a in attrs) + " | held-out named |",
                  "|---|---|" + "---|" * (len(attrs) + 1)]  # fmt: skip
        for split in ("test", "test_heldout"):
            for system in ("model", "most_frequent_caption"):
                sc = r[split][system]
                cells = [f"{_f(sc[a + ' precision'])} / {_f(sc[a + ' recall'])}" for a in attrs]
                lines.append(
                    f"| {split} | {system.replace('_', ' ')} | "
                    + " | ".join(cells)
                    + f" | {_f(sc['held-out named'])} |"
                )
        lines += ["", f"Verdict: {r['verdict']}", f"Training: {r['train_cpu_s']} CPU s, {r['training']}", ""]
    if "digits" in results:
        r = results["digits"]["test"]
        cols = ["sequence accuracy", "digit accuracy", "length accuracy", "CIDEr-D"]
        lines += ["| system (test scans) | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols)]
        lines.append("| captioner | " + " | ".join(_f(r["model"][c]) for c in cols) + " |")
        base = results.get("baseline", {}).get("per_position_classifier")
        if base:
            lines.append("| per-position classifier | " + " | ".join(_f(base.get(c)) for c in cols) + " |")
        lines.append(
            "| most frequent caption | " + " | ".join(_f(r["most_frequent_caption"][c]) for c in cols) + " |"
        )
        d = results["digits"]
        lines += ["", f"Verdict: {d['verdict']}", f"Training: {d['train_cpu_s']} CPU s, {d['training']}"]
        if base:
            lines.append(f"Baseline: {base['parameters']} parameters (captioner {base['captioner parameters']}), "
                         f"{base['epochs']} epochs, {base['cpu_s']} CPU s")  # fmt: skip
        lines.append("")
    if "ood" in results:
        lines += ["| model | images | flagged | median score | threshold |", "|---|---|---|---|---|"]
        for task, rows in results["ood"].items():
            for name, v in rows.items():
                lines.append(
                    f"| {task} | {name} ({v['images']}) | {v['flagged']:.1%} | {v['median score']:.1f} | {v['threshold']:.1f} |"
                )
        lines.append("")
    if "demo" in results:
        d = results["demo"]
        for split in ("test", "test_heldout"):
            m = d["shapes"][split]["model"]
            lines.append(f"Demo shapes {split}: colour P {_f(m['colour precision'])}, shape P {_f(m['shape precision'])}, "
                         f"phrase P {_f(m['phrase precision'])}, CIDEr-D {_f(m['CIDEr-D'])}")  # fmt: skip
        m = d["digits"]["test"]["model"]
        lines.append(f"Demo digits: sequence {_f(m['sequence accuracy'])}, digit {_f(m['digit accuracy'])}")
        lines.append(f"Demo section: {d['cpu_s']} CPU s, {d['wall_s']} s wall")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("runs/eval_caption"))
    ap.add_argument("--only", choices=["shapes", "digits", "baseline", "ood", "demo"], action="append")
    ap.add_argument("--skip-demo", action="store_true")
    ap.add_argument(
        "--from-run",
        action="store_true",
        help="score the best weights so far of an unfinished training (its run folder)",
    )
    ap.add_argument(
        "--reuse-models", action="store_true", help="score the models already in OUT (no training)"
    )
    ap.add_argument(
        "--markdown", action="store_true", help="print OUT/results.json as Markdown tables and stop"
    )
    args = ap.parse_args()
    out: Path = args.out
    if args.markdown:
        print(markdown(json.loads((out / "results.json").read_text())))
        return
    out.mkdir(parents=True, exist_ok=True)
    parts = args.only or ["shapes", "digits", "baseline", "ood"] + ([] if args.skip_demo else ["demo"])
    machine = {"python": platform.python_version(), "torch": torch.__version__,
               "cpu": platform.processor() or platform.machine(), "threads": torch.get_num_threads()}  # fmt: skip
    results: dict = {}

    def save(part: str) -> None:  # one file per part, so that parts can run in parallel
        (out / f"results_{part}.json").write_text(
            json.dumps({"machine": machine, part: results[part]}, indent=2)
        )

    shapes, digits = out / "shapes", out / "digits"
    for task, folder in (("shapes", shapes), ("digits", digits)):
        if task in parts:
            if not (folder / "dataset.json").is_file():
                _cli("caption", "generate-data", "--task", task, "--out", str(folder / "data"), "--seed", "0")
                (folder / "dataset.json").write_text(str(folder / "data" / "dataset.json"))
            data_json = Path((folder / "dataset.json").read_text())
            run = folder / "run"  # caption train --out: the run folder, the model in run/model
            model = run / "model"
            if args.reuse_models and not model.is_dir() and (folder / "model" / "config.json").is_file():
                model = folder / "model"  # trained before --out was the run folder
            cpu = float("nan")
            earlier = out / f"results_{task}.json"
            if args.reuse_models and earlier.is_file():  # keep the training time measured when it trained
                cpu = json.loads(earlier.read_text())[task]["train_cpu_s"]
            if args.from_run:
                model = folder / "model_partial"
                shutil.rmtree(model, ignore_errors=True)
                model_from_run(run if run.is_dir() else folder / "model.run", data_json, model)
            elif not (args.reuse_models and (model / "config.json").is_file()):
                shutil.rmtree(run, ignore_errors=True)
                cpu = _cli("caption", "train", "--data", str(data_json), "--out", str(run))
            splits = ["test", "test_heldout"] if task == "shapes" else ["test"]
            results[task] = {
                "train_cpu_s": cpu if cpu != cpu else round(cpu),
                **_scores(model, data_json, splits),
            }
            config = json.loads((model / "config.json").read_text())
            if cpu != cpu and "cpu_s" in config["training"]:  # trained by caption_ablation.py --save
                cpu = results[task]["train_cpu_s"] = config["training"]["cpu_s"]
            results[task]["training"] = {k: v for k, v in config["training"].items() if k != "history"}
            save(task)
    if "baseline" in parts:  # digits data from the digits part
        results["baseline"] = {
            "per_position_classifier": position_baseline(Path((digits / "dataset.json").read_text()))
        }
        save("baseline")
    if "ood" in parts:
        photos = photo_like(out / "photos")
        ood = {}
        data = {
            t: Path((f / "dataset.json").read_text()) for t, f in (("shapes", shapes), ("digits", digits))
        }
        tests = {t: sorted((p.parent / "images").glob("test_0*.png")) for t, p in data.items()}
        for task, other in (("shapes", "digits"), ("digits", "shapes")):
            model = out / task / "model"
            if not (model / "config.json").is_file():
                model = out / task / "model_partial"  # from --from-run
            ood[task] = {
                "own test images": _flagged(model, tests[task]),
                "photo-like images": _flagged(model, photos),
                f"{other} test images": _flagged(model, tests[other]),
            }
        results["ood"] = ood
        save("ood")
    if "demo" in parts:
        from rnnkit.caption.demo import demo_section

        cpu0, wall0 = time.process_time(), time.monotonic()
        demo_section(out / "demo", seed=0, device="cpu")
        scores = json.loads((out / "demo" / "scores.json").read_text())
        results["demo"] = {"cpu_s": round(time.process_time() - cpu0), "wall_s": round(time.monotonic() - wall0),
                           **scores}  # fmt: skip
        save("demo")
    merged = {}
    for path in sorted(out.glob("results_*.json")):
        merged.update(json.loads(path.read_text()))
    (out / "results.json").write_text(json.dumps(merged, indent=2))
    print(json.dumps(merged, indent=2))


if __name__ == "__main__":
    main()
