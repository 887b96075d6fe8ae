"""Checking what a caption names against what is drawn (generated shapes data only).

n-gram scores (BLEU, CIDEr-D, ROUGE-L) reward the grammar's sentence frames even when every colour
and shape is wrong, so for generated scenes (whose JSON keeps each shape) the captions are parsed
back into claims and each claim is checked against the scene. A noun phrase (NP) is
``a [size] colour kind``; a caption claims:

- **colour / shape / size**: the multiset of colours (kinds, sizes) of its NPs. Precision =
  ``|named ∩ drawn| / |named|``, recall = ``|named ∩ drawn| / |drawn|`` (multiset intersection per
  image, summed over images); size counts only NPs that give a size.
- **position**: ``NP in the ROW COL`` (true when a drawn shape matching the NP lies in that grid cell)
  and ``NP REL NP`` with REL one of ``to the left of``, ``to the right of``, ``above``, ``below``
  (true when drawn shapes matching the two NPs stand in that relation). Precision = true statements /
  statements; recall = share of images whose caption makes at least one true position statement.
- **count**: the number of shapes the caption asserts: a number word (``three shapes including ...``),
  else, for a caption without a relation, its number of NPs (one NP, ``X and Y``, a comma list).
  Precision = right counts / counts asserted; recall = right counts / images.
- **phrase**: whole NPs (colour and kind together, size when given) that are drawn: the strict test
  that colour and shape are bound to the same object. Precision = such NPs / NPs; recall = drawn
  shapes named with their colour and kind / drawn shapes.
- **held-out named**: share of images holding a held-out colour-shape pair whose caption names one of
  those pairs (NaN when no image holds one).
- **phrases per caption**: NPs named per caption; the verdict reads this to tell "names nothing" from
  "names the wrong thing".
- **claims** (``colour claims``, ... ``phrase claims``): the number of claims each precision is of. A
  precision of no claim is NaN, not 0: 0 would read "always wrong" of captions that never said it
  (``eval`` prints ``– (0 claims)``, ``--json`` null beside the count).

Every function takes ``scenes[i]``: the list of shape dicts of image ``i`` (``kind``, ``colour``,
``size``, ``row``, ``col``) and ``hyps[i]``: its caption as a token list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rnnkit.caption.shapes import COL_WORDS, COLOURS, HELD_OUT_PAIRS, KINDS, NUMBER_WORDS, ROW_WORDS, SIZES

RELATIONS: dict[tuple[str, ...], str] = {
    ("to", "the", "left", "of"): "left",
    ("to", "the", "right", "of"): "right",
    ("above",): "above",
    ("below",): "below",
}
ATTRIBUTES = ("colour", "shape", "size", "position", "count", "phrase")
_COUNT_WORDS = {w: n for n, w in NUMBER_WORDS.items()}


@dataclass(frozen=True)
class Phrase:
    """One noun phrase of a caption: ``size`` (None when not given), colour, kind, and token span."""

    size: str | None
    colour: str
    kind: str
    start: int
    end: int  # index after the kind word


def noun_phrases(words: Sequence[str]) -> list[Phrase]:
    """The NPs ``[a|an] [size] colour kind`` of a caption, in order."""
    found = []
    for i, w in enumerate(words):
        if w in KINDS and i >= 1 and words[i - 1] in COLOURS:
            start, size = i - 1, None
            if i >= 2 and words[i - 2] in SIZES:
                start, size = i - 2, words[i - 2]
            if start >= 1 and words[start - 1] in ("a", "an"):
                start -= 1
            found.append(Phrase(size, words[i - 1], w, start, i + 1))
    return found


def mentioned_shapes(words: Sequence[str]) -> list[tuple[str | None, str, str]]:
    """The ``(size or None, colour, kind)`` of each NP of a caption."""
    return [(p.size, p.colour, p.kind) for p in noun_phrases(words)]


def _matches(p: Phrase, shape: dict) -> bool:
    return p.colour == shape["colour"] and p.kind == shape["kind"] and p.size in (None, shape["size"])


def _relation_holds(rel: str, a: dict, b: dict) -> bool:
    return {
        "left": a["col"] < b["col"],
        "right": a["col"] > b["col"],
        "above": a["row"] < b["row"],
        "below": a["row"] > b["row"],
    }[rel]


def position_claims(words: Sequence[str], scene: Sequence[dict]) -> list[bool]:
    """Each position statement of the caption, True when it holds in the scene."""
    phrases = noun_phrases(words)
    claims = []
    for k, p in enumerate(phrases):
        tail = tuple(words[p.end : p.end + 4])
        if len(tail) == 4 and tail[:2] == ("in", "the") and tail[2] in ROW_WORDS and tail[3] in COL_WORDS:
            row, col = ROW_WORDS.index(tail[2]), COL_WORDS.index(tail[3])
            claims.append(any(_matches(p, s) and (s["row"], s["col"]) == (row, col) for s in scene))
        if k + 1 < len(phrases):
            rel = RELATIONS.get(tuple(words[p.end : phrases[k + 1].start]))
            if rel is not None:
                q = phrases[k + 1]
                claims.append(
                    any(
                        _matches(p, a) and _matches(q, b) and _relation_holds(rel, a, b)
                        for a in scene
                        for b in scene
                        if a is not b
                    )
                )
    return claims


def count_claim(words: Sequence[str]) -> int | None:
    """The number of shapes the caption asserts, or None when it asserts none (a bare relation)."""
    for i, w in enumerate(words[:-1]):
        if w in _COUNT_WORDS and words[i + 1] == "shapes":
            return _COUNT_WORDS[w]
    phrases = noun_phrases(words)
    if not phrases:
        return None
    for p, q in zip(phrases, phrases[1:], strict=False):
        if tuple(words[p.end : q.start]) in RELATIONS:
            return None
    return len(phrases)


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def _precision(hit: int, named: int) -> float:
    """The share of ``named`` claims that hold; NaN of none: no claim was made, so none was wrong."""
    return hit / named if named else float("nan")


def attribute_scores(scenes: Sequence[Sequence[dict]], hyps: Sequence[Sequence[str]]) -> dict[str, float]:
    """Precision, recall and claims per attribute (``colour precision``, ``colour recall``, ``colour
    claims``, ... see the module docstring) and ``held-out named``."""
    hit = Counter()  # attribute -> matched claims
    named = Counter()  # attribute -> claims made
    drawn = Counter()  # attribute -> facts in the pictures
    pos_images = count_right = held_images = held_named = 0
    for scene, hyp in zip(scenes, hyps, strict=True):
        phrases = noun_phrases(hyp)
        for attr, key in (("colour", "colour"), ("shape", "kind"), ("size", "size")):
            said = Counter(getattr(p, "kind" if attr == "shape" else attr) for p in phrases)
            said.pop(None, None)
            there = Counter(s[key] for s in scene)
            hit[attr] += sum((said & there).values())
            named[attr] += sum(said.values())
            drawn[attr] += len(scene)
        named["phrase"] += len(phrases)
        hit["phrase"] += sum(any(_matches(p, s) for s in scene) for p in phrases)
        drawn["phrase"] += len(scene)
        hit["phrase recall"] += sum(
            any(p.colour == s["colour"] and p.kind == s["kind"] for p in phrases) for s in scene
        )
        claims = position_claims(hyp, scene)
        named["position"] += len(claims)
        hit["position"] += sum(claims)
        pos_images += any(claims)
        n = count_claim(hyp)
        if n is not None:
            named["count"] += 1
            hit["count"] += n == len(scene)
            count_right += n == len(scene)
        held = {(s["colour"], s["kind"]) for s in scene if (s["colour"], s["kind"]) in HELD_OUT_PAIRS}
        if held:
            held_images += 1
            held_named += any((p.colour, p.kind) in held for p in phrases)
    images = len(hyps)
    out: dict[str, float] = {}
    for attr in ("colour", "shape", "size"):
        out[f"{attr} precision"] = _precision(hit[attr], named[attr])
        out[f"{attr} recall"] = _ratio(hit[attr], drawn[attr])
    out["position precision"] = _precision(hit["position"], named["position"])
    out["position recall"] = _ratio(pos_images, images)
    out["count precision"] = _precision(hit["count"], named["count"])
    out["count recall"] = _ratio(count_right, images)
    out["phrase precision"] = _precision(hit["phrase"], named["phrase"])
    out["phrase recall"] = _ratio(hit["phrase recall"], drawn["phrase"])
    out["held-out named"] = held_named / held_images if held_images else float("nan")
    out["phrases per caption"] = _ratio(named["phrase"], images)
    out.update({f"{attr} claims": named[attr] for attr in ATTRIBUTES})
    return out
