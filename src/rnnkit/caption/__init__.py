"""Vector to sequence: one image in, the words of its caption out.

Parts, one file each:

- ``captioner``: the Python API, ``Captioner.from_pretrained(folder).describe(images)`` (exported here).
- ``shapes``: the procedural scene generator (Pillow) with a caption grammar and a held-out split.
- ``digits``: strings of real handwritten digits (UCI scans from scikit-learn), split by scan.
- ``generated``: which files in a ``generate-data`` folder rnnkit wrote (its manifest), the only ones it replaces.
- ``grounding``: per-attribute checks of what a caption names against the drawn scene.
- ``ood``: the out-of-distribution (familiarity) score of an image against the training data.
- ``datasets``: readers for Karpathy split JSON, COCO captions JSON + image folder, the Flickr8k
  token file; the Karpathy writer.
- ``images``: loading any image (grayscale, RGBA, huge) as an RGB tensor of a fixed size.
- ``colour``: a picture's ICC colour profile (Display P3, Adobe RGB, CMYK) applied: its colours as sRGB.
- ``vocab``: the word vocabulary with ``<pad> <start> <end> <unk>``.
- ``encoder``: a small CNN trained from scratch, or a frozen pretrained EfficientNet-Lite0.
- ``features``: the feature cache for frozen encoders.
- ``model``: Show and Tell and Show, Attend and Tell decoders stepping ``rnnkit.nn`` cells.
- ``decode``: greedy and beam search.
- ``metrics``: BLEU-1..4, CIDEr-D, ROUGE-L, the most-frequent-caption baseline, diversity.
- ``plots``: PNG grids of images with captions and attention maps.
- ``pipeline`` (training and evaluation), ``modelio`` (model folders), ``cli``, ``demo``.

This package imports nothing heavy at import time, so ``rnnkit caption describe`` starts fast:
``Captioner`` and ``Description`` are loaded on first use.
"""

__all__ = ["Captioner", "Description"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from rnnkit.caption import captioner

        return getattr(captioner, name)
    raise AttributeError(f"module 'rnnkit.caption' has no attribute {name!r}")
