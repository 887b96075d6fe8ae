"""The located check: each phrase's support from per-location probabilities, and the beam re-ranked by it."""

import math

import pytest
import torch

from rnnkit.caption.check import FLOOR, located_rescorer, phrase_support
from rnnkit.caption.decode import Decoding, beam_search, search_captions
from rnnkit.caption.located import CLASSES, LocatedHead
from rnnkit.caption.model import CaptionModel
from rnnkit.caption.vocab import SPECIALS, Vocabulary

KINDS, COLOURS = CLASSES["kind"], CLASSES["colour"]
# the 12 ids of the tiny decoders of test_caption_decode, as words: some of them make noun phrases
VOCAB = Vocabulary([*SPECIALS, "a", "red", "circle", "blue", "square", "green", "triangle", "small"])


def _probs(cells: list[tuple[str, str]]) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-location probabilities ``(L, 1+K)``, ``(L, 1+C)``: 0.9 on each cell's (kind, colour), the rest
    spread evenly."""
    kind = torch.full((len(cells), len(KINDS)), 0.1 / (len(KINDS) - 1))
    colour = torch.full((len(cells), len(COLOURS)), 0.1 / (len(COLOURS) - 1))
    for l, (k, c) in enumerate(cells):  # noqa: E741
        kind[l, KINDS.index(k)] = colour[l, COLOURS.index(c)] = 0.9
    return kind, colour


def _reference(words, kind, colour):
    """By hand: for each ``colour kind`` pair of words, the best location's product, logged, summed."""
    total = 0.0
    for i in range(1, len(words)):
        if words[i] in KINDS[1:] and words[i - 1] in COLOURS[1:]:
            k, c = KINDS.index(words[i]), COLOURS.index(words[i - 1])
            best = max(float(kind[l, k] * colour[l, c]) for l in range(kind.shape[0]))  # noqa: E741
            total += max(math.log(best), FLOOR)
    return total


def test_a_phrase_is_supported_where_one_location_shows_both_its_kind_and_its_colour():
    kind, colour = _probs([("circle", "red"), ("square", "blue"), ("background", "background")])
    right = ["a", "large", "red", "circle", "to", "the", "left", "of", "a", "blue", "square"]
    bound_wrong = [
        "a",
        "red",
        "square",
        "to",
        "the",
        "left",
        "of",
        "a",
        "blue",
        "circle",
    ]  # colours and kinds swapped
    assert phrase_support(right, kind, colour) == pytest.approx(2 * math.log(0.81))
    assert phrase_support(bound_wrong, kind, colour) < phrase_support(right, kind, colour) - 5
    for words in (right, bound_wrong, ["there", "is", "a", "green", "hexagon"], ["3", "1", "4"]):
        assert phrase_support(words, kind, colour) == pytest.approx(_reference(words, kind, colour))
    assert phrase_support(["3", "1", "4"], kind, colour) == 0.0  # no phrase: nothing to check


def test_an_impossible_phrase_costs_at_most_the_floor():
    kind, colour = _probs([("circle", "red")])
    kind[0, KINDS.index("square")] = 0.0
    assert phrase_support(["a", "red", "square"], kind, colour) == FLOOR


def test_the_beam_keeps_the_candidate_with_the_best_rank_plus_rescore():
    from tests.caption.test_caption_decode import D, L, _trained

    dec = _trained("gru", True, "init")
    feats = torch.randn(5, L, D, generator=torch.Generator().manual_seed(3))
    plain = beam_search(dec, feats, beam_size=4, max_len=8, length_penalty=1.0)
    last_word = {i: h.ids[-1] if h.ids else -1 for i, h in enumerate(plain)}

    def rescore(i, hyp):  # against the plain winner's last word: the winner must change
        return -100.0 if (hyp.ids[-1] if hyp.ids else -1) == last_word[i] else 0.0

    picked = beam_search(dec, feats, beam_size=4, max_len=8, length_penalty=1.0, rescore=rescore)
    for i, (p, h) in enumerate(zip(picked, plain, strict=True)):
        assert p.ids != h.ids or rescore(i, p) == -100.0  # changed, or no other candidate finished
    assert sum(p.ids != h.ids for p, h in zip(picked, plain, strict=True)) >= 3
    assert beam_search(dec, feats, 4, 8, 1.0, rescore=lambda i, h: 0.0)[0].ids == plain[0].ids


def test_search_captions_checks_only_with_a_head_and_a_positive_weight():
    from tests.caption.test_caption_decode import D, L, _trained

    dec = _trained("gru", True, "init")
    feats = torch.randn(4, L, D, generator=torch.Generator().manual_seed(4))
    vocab = VOCAB
    model = CaptionModel(None, dec)
    plain = search_captions(model, feats, vocab, Decoding(beam=3, length_penalty=1.0, located_check=1.0), 7)
    model.located = LocatedHead(D)
    checked_off = search_captions(model, feats, vocab, Decoding(3, 1.0, 0.0), 7)
    assert [h.ids for h in plain] == [h.ids for h in checked_off]
    rescore = located_rescorer(model.located, feats, vocab.decode, 2.0)
    assert rescore(0, plain[0]) == pytest.approx(2.0 * phrase_support(vocab.decode(plain[0].ids),
                                                                      *_head_probs(model.located, feats, 0)))  # fmt: skip


def _head_probs(head, feats, i):
    with torch.no_grad():
        out = head(feats)
    return torch.softmax(out["kind"][i], -1), torch.softmax(out["colour"][i], -1)


def test_a_caption_of_the_longest_length_can_end_in_the_beam():
    """``max_len`` is the longest caption in words; its ``<end>`` needs one more step. Without it, beam
    search preferred any shorter caption that ended (a 6-digit number read as 5 digits)."""
    from tests.caption.test_caption_decode import D, L, _trained

    dec = _trained("gru", True, "init")  # fitted to captions of 1 to 6 words, the length set by features
    feats = torch.randn(32, L, D, generator=torch.Generator().manual_seed(0))  # its training features
    lengths = 1 + 3 * (feats[:, 0, 0] > 0).long() + 2 * (feats[:, 1, 0] > 0).long()
    model = CaptionModel(None, dec)
    greedy = search_captions(model, feats, VOCAB, Decoding(), max_len=6)
    beam = search_captions(model, feats, VOCAB, Decoding(beam=3), max_len=6)
    six = [i for i in range(32) if lengths[i] == 6 and len(greedy[i].ids) == 6 and not greedy[i].hit_max]
    assert six, "the fitted decoder says some 6-word captions and ends them"
    assert all(len(beam[i].ids) == 6 and not beam[i].hit_max for i in six)


@pytest.mark.parametrize("beam", [1, 3])
def test_a_caption_that_never_ends_stops_at_the_longest_length(beam):
    """The step added for a ``max_len``-word caption's ``<end>`` may only be ``<end>``: a decoder that
    never ends (an image unlike the training ones) wrote ``max_len + 1`` words, one more than any caption
    it was trained on ("1 1 1 1 1 1 1", seven digits, where the data's numbers have six)."""
    from tests.caption.test_caption_decode import D, L, _decoder

    dec = _decoder("gru", True, "init", end_bias=-50.0)  # <end> never wins on its own
    feats = torch.randn(5, L, D, generator=torch.Generator().manual_seed(3))
    hyps = search_captions(CaptionModel(None, dec), feats, VOCAB, Decoding(beam=beam), max_len=6)
    assert [len(h.ids) for h in hyps] == [6] * 5  # it was 7 each
    assert [h.attention.shape[0] for h in hyps] == [7] * 5  # an attention row for six words and the <end>


def test_decoding_settings_replace_and_describe_themselves():
    d = Decoding(10, 2.0, 1.0)
    assert d.describe() == "beam 10, length penalty 2, located check 1"
    assert d.replace(beam=1, length_penalty=None) == Decoding(1, 2.0, 1.0)
    assert Decoding().describe() == "greedy"
    # a model without the located head (handwriting, your own captions): the weight changes no caption
    assert (
        d.describe(located=False)
        == "beam 10, length penalty 2, no located check (the model has no located head)"
    )
    assert Decoding(10, 2.0, 0.0).describe(located=False) == "beam 10, length penalty 2, located check 0"


def test_a_claimed_place_and_relation_are_checked_on_the_grid():
    """On a 3x3 grid (one location per scene cell): a red circle top left, a blue square bottom right."""
    cells = [("background", "background")] * 9
    cells[0], cells[8] = ("circle", "red"), ("square", "blue")
    kind, colour = _probs(cells)
    circle, square = ["a", "red", "circle"], ["a", "blue", "square"]
    here = phrase_support([*circle, "in", "the", "top", "left"], kind, colour)
    there = phrase_support([*circle, "in", "the", "bottom", "right"], kind, colour)
    assert here == pytest.approx(math.log(0.81))
    p_circle = kind[:, KINDS.index("circle")] * colour[:, COLOURS.index("red")]  # by hand: the claimed cell
    assert there == pytest.approx(max(math.log(float(p_circle[8])), FLOOR)) and there < here - 5
    left = phrase_support([*circle, "to", "the", "left", "of", *square], kind, colour)
    right = phrase_support([*circle, "to", "the", "right", "of", *square], kind, colour)
    assert left == pytest.approx(2 * math.log(0.81))  # the likeliest places already agree: no cost
    p_square = kind[:, KINDS.index("square")] * colour[:, COLOURS.index("blue")]
    best = max(float(p_circle[a] * p_square[b]) for a in range(9) for b in range(9) if a % 3 > b % 3)
    assert right == pytest.approx(max(math.log(best), FLOOR)) and right < left - 5
    assert phrase_support([*circle, "above", *square], kind, colour) == pytest.approx(left)
    assert phrase_support([*circle, "below", *square], kind, colour) < left - 5
