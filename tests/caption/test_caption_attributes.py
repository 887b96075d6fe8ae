"""The auxiliary attribute loss: labels from the captions, the pooled head, training with it."""

import torch

from rnnkit.caption.attributes import AttributeHead, attribute_targets, attribute_words
from rnnkit.caption.datasets import read_karpathy
from rnnkit.caption.pipeline import CaptionConfig, train_captioner
from rnnkit.caption.shapes import generate
from rnnkit.caption.vocab import Vocabulary


def test_words_are_those_some_but_not_most_images_use():
    caps = [
        [["a", "red", "circle"]],
        [["a", "blue", "circle"], ["a", "blue", "ring"]],
        [["a", "red", "square"]],
        [["a", "green", "square"]],
    ]
    vocab = Vocabulary.build([c for cs in caps for c in cs])
    words = attribute_words(caps, vocab)
    assert words == [
        "blue",
        "circle",
        "green",
        "red",
        "ring",
        "square",
    ]  # "a" is in every image: not informative
    y = attribute_targets(caps, words)
    assert y.tolist() == [[0, 1, 0, 1, 0, 0], [1, 1, 0, 0, 1, 0], [0, 0, 0, 1, 0, 1], [0, 0, 1, 0, 0, 1]]


def test_head_pools_between_mean_and_max():
    head = AttributeHead(feature_dim=2, n_words=1, sharpness=4.0)
    with torch.no_grad():
        head.score.weight.copy_(torch.tensor([[1.0, 0.0]]))
        head.score.bias.zero_()
    feats = torch.tensor([[[3.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]])  # one strong location of 4
    with torch.no_grad():
        out = float(head(feats))
    assert 0.75 < out < 3.0  # above the mean score (0.75), below the max (3)
    assert (
        out
        == torch.logsumexp(torch.tensor([12.0, 0, 0, 0]), 0).sub(torch.log(torch.tensor(4.0))).div(4).item()
    )


def test_training_with_the_attribute_loss_adds_to_the_loss_and_saves_the_plain_captioner(tmp_path):
    data = read_karpathy(generate(tmp_path / "s", {"train": 24, "val": 6}, image_size=32, seed=2))
    tiny = dict(
        epochs=1, hidden_size=16, embed_size=8, attention_dim=8, channels=16, image_size=32, device="cpu"
    )
    plain = train_captioner(data, CaptionConfig(attribute_loss=0.0, **tiny))
    aux = train_captioner(data, CaptionConfig(attribute_loss=1.0, **tiny))
    assert aux.fit.history[0]["train_loss"] > plain.fit.history[0]["train_loss"]  # the BCE term is added
    assert set(aux.model.state_dict()) == set(plain.model.state_dict())  # the head is not kept
    assert type(aux.model).__name__ == "CaptionModel"
