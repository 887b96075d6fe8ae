"""The network: shapes, last valid step, sorted quantiles, pinball loss."""

from __future__ import annotations

import torch
from torch.testing import assert_close

from rnnkit.forecast.model import ForecastNet, pinball_loss


def test_output_shape_and_point_index():
    torch.manual_seed(0)
    net = ForecastNet(3, 8, horizon=2, quantiles=(0.1, 0.5, 0.9), cell="gru").eval()
    out = net(torch.randn(5, 4, 3))
    assert out.shape == (5, 2, 3)
    assert net.point_index() == 1
    assert (out[..., 1:] >= out[..., :-1]).all()  # quantiles never cross at inference


def test_head_reads_the_last_valid_step_of_a_padded_batch():
    torch.manual_seed(0)
    net = ForecastNet(2, 6, horizon=1, quantiles=(0.5,), cell="lstm").eval()
    short = torch.randn(1, 3, 2)
    padded = torch.cat([short, torch.randn(1, 2, 2)], dim=1)  # (1, 5, 2): 2 junk steps after the data
    with torch.no_grad():
        ref = net(short)
        got = net(padded, lengths=torch.tensor([3]))
        full = net(padded)
    assert_close(got, ref, rtol=1e-6, atol=1e-6)
    assert not torch.allclose(full, ref)


def test_pinball_loss_hand_values():
    pred = torch.tensor([[[0.0, 1.0]]])  # (1, 1, 2)
    target = torch.tensor([[2.0]])
    q = torch.tensor([0.1, 0.9])
    # errors 2 and 1: 0.1*2 = 0.2 and 0.9*1 = 0.9 -> mean 0.55
    assert_close(pinball_loss(pred, target, q), torch.tensor(0.55), rtol=1e-6, atol=1e-6)
    # over-forecast: error -1 with tau 0.1 -> (0.1-1)*(-1) = 0.9
    assert_close(
        pinball_loss(torch.tensor([[[3.0]]]), target, torch.tensor([0.1])),
        torch.tensor(0.9),
        rtol=1e-6,
        atol=1e-6,
    )
