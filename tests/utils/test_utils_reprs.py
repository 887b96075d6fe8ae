"""Short reprs: tensors as shapes, long lists counted, unset fields left out."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from rnnkit.utils.reprs import compact_repr, short_value


def test_short_value_writes_tensors_as_shapes_and_cuts_long_values():
    assert short_value(torch.zeros(20, 8, 8)) == "Tensor(20, 8, 8)"
    assert short_value(np.zeros((3, 4))) == "ndarray(3, 4)"
    assert short_value(-0.315412345) == "-0.3154"
    assert short_value(list(range(10))) == "[0, 1, 2, 3, 4, 5, … 10 in all]"
    assert short_value([("a", 1.23456)]) == "[('a', 1.235)]"
    assert short_value("x" * 200) == repr("x" * 200)  # text is never cut
    assert short_value("저는 학생이에요.") == "'저는 학생이에요.'"


@dataclass
class _Result:
    text: str
    score: float
    attention: torch.Tensor | None = None
    flagged: bool = False
    notes: list | None = None
    share: float = 0.0


def test_compact_repr_shows_the_always_fields_then_only_what_is_set():
    bare = _Result("hi", -1.0)
    assert compact_repr(bare, ("text", "score"), ("attention", "flagged", "notes", "share")) == (
        "_Result(text='hi', score=-1)"
    )
    full = _Result("hi", -1.0, torch.ones(2, 3), True, ["n"], 0.5)
    assert compact_repr(full, ("text", "score"), ("attention", "flagged", "notes", "share")) == (
        "_Result(text='hi', score=-1, attention=Tensor(2, 3), flagged=True, notes=['n'], share=0.5)"
    )


def test_short_value_writes_a_scalar_array_or_tensor_as_its_value():
    assert short_value(np.float32(-0.315412345)) == "-0.3154"  # it wrote "float32()"
    assert short_value(np.int64(7)) == "7"
    assert short_value(torch.tensor(2.5)) == "2.5"  # it wrote "Tensor()"
    assert short_value(np.bool_(True)) == "True"
    assert short_value(torch.zeros(1)) == "Tensor(1)"  # a 1-element tensor is still a tensor
