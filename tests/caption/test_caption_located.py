"""Per-location shape and colour labels from a generated scene, and the located loss."""

import torch

from rnnkit.caption.located import CLASSES, IGNORE, LocatedHead, location_labels, location_targets

LARGE = {"kind": "diamond", "colour": "red", "size": "large", "x": 32.03, "y": 10.69, "r": 9.6}
SMALL = {"kind": "triangle", "colour": "green", "size": "small", "x": 10.13, "y": 51.32, "r": 5.44}


def test_each_shape_labels_its_centre_cell_and_the_cells_its_circle_covers():
    labels = location_labels([LARGE, SMALL], side=8)  # 64 px image (r / SIZES), cells of 8 px
    kind, colour = labels["kind"], labels["colour"]
    diamond, triangle = CLASSES["kind"].index("diamond"), CLASSES["kind"].index("triangle")
    # the large diamond (centre 32.0, 10.7, r 9.6) covers the centres (28, 4), (36, 4), (28, 12), (36, 12)
    assert [kind[r * 8 + c] for r, c in ((0, 3), (0, 4), (1, 3), (1, 4))] == [diamond] * 4
    assert colour[1 * 8 + 4] == CLASSES["colour"].index("red")
    # the small triangle: only its centre's cell (row 6, col 1); its neighbours within r + 4 px are ignored
    assert kind[6 * 8 + 1] == triangle and colour[6 * 8 + 1] == CLASSES["colour"].index("green")
    assert kind[6 * 8 + 0] == IGNORE and kind[5 * 8 + 1] == IGNORE
    assert kind[4 * 8 + 6] == 0 and kind.count(0) > 40  # far from every shape: background
    assert sum(k not in (0, IGNORE) for k in kind) == 5


def test_targets_skip_images_without_a_scene_and_non_square_grids():
    t = location_targets([[LARGE], None], locations=64)
    assert t["kind"].shape == (2, 64) and bool((t["kind"][1] == IGNORE).all())
    assert location_targets([None, None], 64) is None and location_targets([[LARGE]], 60) is None


def test_the_located_head_learns_labels_from_features():
    torch.manual_seed(0)
    head = LocatedHead(feature_dim=6)
    feats = torch.randn(8, 4, 6)
    labels = {"kind": feats[..., 0].gt(0).long() * 2, "colour": feats[..., 1].gt(0).long()}  # (N, L)
    labels["kind"][0, 0] = IGNORE
    opt = torch.optim.Adam(head.parameters(), lr=0.1)
    first = float(head.loss(feats, labels).detach())
    for _ in range(60):
        loss = head.loss(feats, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert float(head.loss(feats, labels).detach()) < first / 5
    none = {name: torch.full((8, 4), IGNORE) for name in CLASSES}
    assert float(head.loss(feats, none).detach()) == 0.0


def test_attention_targets_mark_the_named_shape_for_its_kind_word():
    from rnnkit.caption.located import attention_targets, object_cells

    tokens = ["a", "large", "red", "diamond", "above", "a", "small", "green", "triangle"]
    target = attention_targets(tokens, [LARGE, SMALL], side=8, steps=12)
    assert target.shape == (12, 64)
    diamond, triangle = object_cells(LARGE, [LARGE], 8), object_cells(SMALL, [SMALL], 8)
    assert diamond == [3, 4, 11, 12] and triangle == [49]
    rows = [target[t].nonzero().flatten().tolist() for t in range(12)]
    # row t is the step that predicts token t: only the kind words are supervised
    assert rows[:4] == [[], [], [], diamond]
    assert rows[4:9] == [[], [], [], [], triangle] and rows[9:] == [[], [], []]
    # a phrase no shape matches (a wrong caption) and a phrase cut by the step limit
    assert not attention_targets(["a", "blue", "circle"], [LARGE], 8, 4).any()
    assert not attention_targets(tokens, [LARGE, SMALL], 8, 3).any()  # the kind word is past the limit


def test_attention_loss_is_minus_log_the_mass_on_the_named_shape():
    from rnnkit.caption.located import attention_loss

    alphas = torch.tensor([[[0.5, 0.25, 0.25], [0.1, 0.1, 0.8]]])  # (N=1, T=2, L=3)
    target = torch.tensor([[[True, False, False], [False, True, True]], [[False] * 3] * 2])[:1]  # (1, 2, 3)
    expected = -(torch.log(torch.tensor(0.5)) + torch.log(torch.tensor(0.9))) / 2
    torch.testing.assert_close(attention_loss(alphas, target), expected)
    longer = torch.cat([target, torch.ones(1, 3, 3, dtype=torch.bool)], dim=1)  # (1, 5, 3): cut to T
    torch.testing.assert_close(attention_loss(alphas, longer), expected)
    assert float(attention_loss(alphas, torch.zeros(1, 2, 3, dtype=torch.bool))) == 0.0


def test_repeat_loss_is_the_overlap_with_shapes_named_before_at_the_colour_step():
    from rnnkit.caption.located import repeat_loss

    # steps: 0 "a", 1 colour, 2 kind (shape A at location 0), 3 ",", 4 "a", 5 colour, 6 kind (B at 2)
    target = torch.zeros(1, 7, 3, dtype=torch.bool)
    target[0, 2, 0] = target[0, 6, 2] = True
    alphas = torch.full((1, 7, 3), 1 / 3)
    alphas[0, 2] = torch.tensor([0.8, 0.1, 0.1])  # the first kind word looked at A
    alphas[0, 5] = torch.tensor([0.6, 0.3, 0.1])  # choosing the second object: still on A
    # only step 5 counts (step 1 has nothing named before it): sum_l min(alpha_5, alpha_2)
    torch.testing.assert_close(repeat_loss(alphas, target), torch.tensor(0.6 + 0.1 + 0.1))
    alphas[0, 5] = torch.tensor([0.0, 0.1, 0.9])  # moved on to B
    torch.testing.assert_close(repeat_loss(alphas, target), torch.tensor(0.0 + 0.1 + 0.1))
    one = torch.zeros(1, 7, 3, dtype=torch.bool)
    one[0, 2, 0] = True
    assert float(repeat_loss(alphas, one)) == 0.0  # one phrase: nothing to repeat
