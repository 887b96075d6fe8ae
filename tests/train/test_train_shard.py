"""Splitting every batch among processes (``rnnkit.train.shard``): shards, skips and the warning."""

from __future__ import annotations

import pytest
import torch

from rnnkit.train.shard import ShardedBatches, batch_size_of, shard_batch, uneven_warning


def test_shards_cover_the_batch_in_order_and_leave_other_parts_whole():
    x = torch.arange(14.0).reshape(7, 2)  # (N, C)
    lengths = torch.tensor([3, 1, 2, 2, 1, 3, 1])
    table = torch.zeros(5, 4)  # not batch-major: passed on whole
    batch = {"x": x, "parts": (lengths, table), "name": "b"}
    shards = [shard_batch(batch, r, 3) for r in range(3)]
    assert [len(s["x"]) for s in shards] == [3, 2, 2]
    torch.testing.assert_close(torch.cat([s["x"] for s in shards]), x, rtol=0, atol=0)
    torch.testing.assert_close(torch.cat([s["parts"][0] for s in shards]), lengths, rtol=0, atol=0)
    assert all(s["parts"][1] is table and s["name"] == "b" for s in shards)


def test_one_process_keeps_the_batch_and_small_batches_are_skipped_by_all():
    batch = (torch.ones(3, 2), torch.zeros(3))
    assert shard_batch(batch, 0, 1) is batch
    assert all(shard_batch(batch, r, 4) is None for r in range(4))
    with pytest.raises(ValueError, match="no tensor"):
        shard_batch(("text",), 0, 2)
    assert batch_size_of([[], {"a": torch.zeros(5, 1)}]) == 5 and batch_size_of("x") is None


def test_sharded_batches_give_each_process_its_share_of_every_batch():
    batches = [(torch.arange(8),), (torch.arange(8, 16),), (torch.arange(16, 17),)]  # last: 1 item
    seen: list[int] = []
    per_rank = [list(ShardedBatches(batches, r, 2, first=lambda b: seen.append(len(b[0])))) for r in (0, 1)]
    assert [[b[0].tolist() for b in shards] for shards in per_rank] == [
        [[0, 1, 2, 3], [8, 9, 10, 11]],
        [[4, 5, 6, 7], [12, 13, 14, 15]],
    ]
    assert seen == [8, 8] and len(ShardedBatches(batches, 0, 2)) == 3


def test_uneven_warning_names_the_sizes():
    assert uneven_warning((torch.zeros(8, 1),), 2) is None
    assert uneven_warning((torch.zeros(9, 1),), 1) is None
    message = uneven_warning((torch.zeros(9, 1),), 2)
    assert message is not None and "2 processes do not divide the batch of 9 items" in message
    assert "shards of 4 and 5 items" in message


def test_split_batches_give_the_gradient_of_the_whole_batch():
    """The identity the design rests on: averaging the shards' mean-loss gradients (what DDP does)
    equals the whole batch's gradient when the processes divide the batch."""
    torch.manual_seed(0)
    layer = torch.nn.GRU(3, 4, batch_first=True)
    x, y = torch.randn(8, 5, 3), torch.randn(8, 4)

    def grads(xb: torch.Tensor, yb: torch.Tensor) -> list[torch.Tensor]:
        layer.zero_grad()
        out, _ = layer(xb)
        torch.nn.functional.mse_loss(out[:, -1], yb).backward()
        return [p.grad.clone() for p in layer.parameters()]

    whole = grads(x, y)
    shards = [grads(*shard_batch((x, y), r, 4)) for r in range(4)]
    for k, g in enumerate(whole):
        torch.testing.assert_close(sum(s[k] for s in shards) / 4, g, rtol=1e-5, atol=1e-6)
