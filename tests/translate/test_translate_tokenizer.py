"""sentencepiece tokenizer: round trip, unknown characters, saving."""

from __future__ import annotations

import pytest
from helpers_translate import TINY_PAIRS

from rnnkit.translate.tokenizer import EOS, UNK, Tokenizer
from rnnkit.utils.errors import RnnkitError


@pytest.fixture(scope="module")
def ko_tok() -> Tokenizer:
    return Tokenizer.train([ko for _, ko in TINY_PAIRS], vocab_size=40)


def test_round_trip_of_training_sentences(ko_tok):
    for _, ko in TINY_PAIRS:
        ids = ko_tok.encode(ko)
        assert UNK not in ids
        assert ko_tok.decode(ids) == ko
    assert ko_tok.decode(ko_tok.encode("저는 학생이에요.") + [EOS]) == "저는 학생이에요."


def test_vocabulary_covers_every_training_character(ko_tok):
    chars = {c for _, ko in TINY_PAIRS for c in ko if not c.isspace()}
    assert ko_tok.vocab_size >= len(chars) + 4  # the 40 asked for is raised: Hangul needs more


def test_unknown_characters_become_unk_never_an_error(ko_tok):
    ids = ko_tok.encode("☃ 学生 😀 저는")
    assert UNK in ids
    assert "저는" in ko_tok.decode(ids)


def test_saved_bytes_load_the_same_model(ko_tok):
    again = Tokenizer(ko_tok.model_bytes)
    assert again.encode("오늘은 추워요.") == ko_tok.encode("오늘은 추워요.")
    with pytest.raises(RnnkitError, match="corrupt"):
        Tokenizer(b"not a model")
    with pytest.raises(RnnkitError, match="no sentences"):
        Tokenizer.train(["", ""])


def test_a_corrupt_tokenizer_file_is_named():
    with pytest.raises(RnnkitError, match=r"^the tokenizer model runs/x/src\.spm is corrupt"):
        Tokenizer(b"\xff" * 40, "runs/x/src.spm")
    with pytest.raises(RnnkitError, match=r"^the tokenizer model is corrupt"):
        Tokenizer(b"\xff" * 40)


def test_an_empty_tokenizer_file_is_named_at_once():
    """sentencepiece takes empty bytes as no model: the error came at the first sentence, after absl's
    log lines, as "Model is not initialized"."""
    with pytest.raises(RnnkitError, match=r"^the tokenizer model runs/x/src\.spm is empty$"):
        Tokenizer(b"", "runs/x/src.spm")
