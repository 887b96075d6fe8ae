"""rnnkit's layers as drop-ins for torch.nn's in the less common uses: ``mode``, whole-module saving,
torch.func (vmap, functional_call), dropout=1 between layers, flatten_parameters, autocast dtypes."""

from __future__ import annotations

import copy
import io
import pickle
from types import SimpleNamespace
from unittest import mock

import pytest
import torch
from helpers_nn import MODES, make_pair
from torch import nn
from torch.backends.cudnn.rnn import get_cudnn_mode
from torch.func import functional_call, stack_module_state, vmap
from torch.nn.utils import parametrizations, prune

import rnnkit
import rnnkit.nn
from rnnkit.utils.errors import RnnkitError

# (mode, options): every torch.nn layer kind, the projected LSTM included
KINDS = [(mode, {}) for mode in MODES] + [("lstm", {"proj_size": 3})]
TORCH_MODES = {"rnn_tanh": "RNN_TANH", "rnn_relu": "RNN_RELU", "lstm": "LSTM", "gru": "GRU"}


def _tensors(result) -> list[torch.Tensor]:
    """Every tensor of a layer's ``(output, state)``, the state's parts flattened."""
    out, state = result[0], result[1]
    return [out, *(state if isinstance(state, tuple) else (state,))]


def _assert_same(ours, theirs, atol: float = 1e-6) -> None:
    for a, b in zip(_tensors(ours), _tensors(theirs), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=atol)


@pytest.mark.parametrize(("mode", "kw"), KINDS)
def test_mode_is_torchs_spelling_and_cell_mode_is_rnnkits(mode: str, kw: dict) -> None:
    ours, theirs = make_pair(mode, 4, 6, num_layers=2, **kw)
    assert ours.mode == theirs.mode == TORCH_MODES[mode]
    assert ours.cell_mode == mode
    mgu = rnnkit.nn.make_layer("mgu", 4, 6)  # no torch.nn twin: its title, in torch's style
    assert (mgu.mode, mgu.cell_mode) == ("MGU", "mgu")
    assert rnnkit.nn.make_cell("rnn", 4, 6, nonlinearity="relu").cell_mode == "rnn_relu"


@pytest.mark.parametrize(("mode", "kw"), KINDS)
@pytest.mark.parametrize("batch_first", [False, True])
def test_whole_module_copies_run_as_torch_nn(mode: str, kw: dict, batch_first: bool) -> None:
    """deepcopy, pickle and torch.save/torch.load(weights_only=False) of the whole module."""
    torch.manual_seed(0)
    ours, theirs = make_pair(mode, 4, 6, num_layers=2, bidirectional=True, batch_first=batch_first, **kw)
    x = torch.randn(3, 5, 4)
    buffer = io.BytesIO()
    torch.save(ours, buffer)
    buffer.seek(0)
    for copied in (
        copy.deepcopy(ours),
        pickle.loads(pickle.dumps(ours)),
        torch.load(buffer, weights_only=False),
    ):
        assert (copied.mode, copied.cell_mode) == (ours.mode, ours.cell_mode)
        _assert_same(copied(x), theirs(x))


def test_a_module_saved_before_cell_mode_existed_loads_and_runs() -> None:
    """Files written by torch.save(module) when ``mode`` held rnnkit's name ("rnn_relu")."""
    torch.manual_seed(1)
    layer, cell = (
        rnnkit.RNN(4, 6, nonlinearity="relu", num_layers=2),
        rnnkit.RNNCell(4, 6, nonlinearity="relu"),
    )
    x = torch.randn(5, 2, 4)
    want_layer, want_cell = layer(x), cell(x[0])
    layer.__dict__.pop("cell_mode")
    layer.__dict__["mode"] = "rnn_relu"
    cell.__dict__["mode"] = cell.__dict__.pop("cell_mode")
    old_layer, old_cell = pickle.loads(pickle.dumps(layer)), pickle.loads(pickle.dumps(cell))
    assert (old_layer.mode, old_layer.cell_mode) == ("RNN_RELU", "rnn_relu")
    _assert_same(old_layer(x), want_layer)
    assert old_cell.cell_mode == "rnn_relu" and "nonlinearity=relu" in repr(old_cell)
    torch.testing.assert_close(old_cell(x[0]), want_cell)


@pytest.mark.parametrize("mode", MODES)
def test_vmap_runs_on_auto_where_torch_nn_has_no_batching_rule(mode: str) -> None:
    """vmap over the input, over the initial state and over stacked parameters (an ensemble):
    ``auto`` runs the reference (torch.nn's fused kernel fails under vmap) and equals a loop."""
    torch.manual_seed(2)
    ours, theirs = make_pair(mode, 4, 6, num_layers=2, bidirectional=True)
    xs = torch.randn(3, 5, 2, 4)
    with pytest.raises(RuntimeError, match="Batching rule not implemented"):
        vmap(lambda x: theirs(x)[0])(xs)  # why rnnkit must choose: torch.nn cannot
    torch.testing.assert_close(vmap(lambda x: ours(x)[0])(xs), torch.stack([ours(x)[0] for x in xs]))

    h0s = torch.randn(3, 4, 2, 6)
    state = (lambda h: (h, torch.zeros_like(h))) if mode == "lstm" else (lambda h: h)
    got = vmap(lambda h: ours(xs[0], state(h))[0])(h0s)
    torch.testing.assert_close(got, torch.stack([ours(xs[0], state(h))[0] for h in h0s]))

    members = [make_pair(mode, 4, 6, num_layers=2, bidirectional=True)[0] for _ in range(3)]
    params, buffers = stack_module_state(members)
    skeleton = copy.deepcopy(members[0]).to("meta")
    got = vmap(lambda p, b: functional_call(skeleton, (p, b), (xs[0],))[0])(params, buffers)
    torch.testing.assert_close(got, torch.stack([m(xs[0])[0] for m in members]))


def test_vmap_with_native_asked_for_by_name_says_so_in_one_line() -> None:
    layer = rnnkit.GRU(4, 6, backend="native")
    with pytest.raises(RnnkitError, match=r"^backend 'native' cannot run under torch.func.vmap.*'reference'"):
        vmap(lambda x: layer(x)[0])(torch.randn(2, 5, 3, 4))


@pytest.mark.parametrize(("mode", "kw"), KINDS)
@pytest.mark.parametrize("backend", ["reference", "native"])
def test_dropout_one_between_layers_only_in_training_as_torch_nn(mode: str, kw: dict, backend: str) -> None:
    """dropout=1 zeroes the first layer's output, not the last's: deterministic, so every backend's
    training-mode result equals torch.nn's exactly, and eval mode applies no dropout at all."""
    torch.manual_seed(3)
    ours, theirs = make_pair(mode, 4, 6, backend=backend, num_layers=2, dropout=1.0, bidirectional=True, **kw)
    x = torch.randn(5, 3, 4)
    _assert_same(ours.train()(x), theirs.train()(x))
    _assert_same(ours.eval()(x), theirs.eval()(x))
    assert not torch.allclose(ours.train()(x)[0], ours.eval()(x)[0])


@pytest.mark.parametrize(("mode", "kw"), KINDS)
def test_packed_input_runs_in_its_own_order_so_dropout_masks_are_torchs(mode: str, kw: dict) -> None:
    """A PackedSequence whose ties are not in the order torch's sort gives (built by hand, or sorted by
    another key): the native kernel drew its dropout masks over the batch in the order of rnnkit's own
    re-sort of the lengths, so with torch.nn's seed each sequence met another sequence's mask."""
    ours, theirs = make_pair(mode, 4, 6, num_layers=2, dropout=0.5, bidirectional=True, **kw)
    lengths, order = torch.tensor([3, 3, 3, 2]), torch.tensor([2, 0, 1, 3])  # the ties in another order
    padded = torch.randn(3, 4, 4)
    packed = nn.utils.rnn.pack_padded_sequence(padded[:, order], lengths[order], enforce_sorted=True)
    packed = nn.utils.rnn.PackedSequence(packed.data, packed.batch_sizes, order, None)
    H = 3 if kw else 6
    h0 = torch.randn(4, 4, H)
    hx = (h0, torch.randn(4, 4, 6)) if mode == "lstm" else h0
    for train in (True, False):
        results = []
        for module in (ours, theirs):
            torch.manual_seed(5)
            out, state = module.train(train)(packed, hx)
            results.append((out.data, state))
        _assert_same(*results)


def _tied_batches(N: int) -> dict:
    """Ways to hand a layer one batch of ``N`` sequences with tied lengths, each with its torch.nn twin:
    name -> (rnnkit's input and keywords, torch.nn's packed input). From 17 sequences up torch.sort
    reorders ties (even when the lengths are sorted already), which is where an order decides masks."""
    pack, PackedSequence = nn.utils.rnn.pack_padded_sequence, nn.utils.rnn.PackedSequence
    x = torch.randn(3, N, 4)
    lengths = torch.tensor([3] * (N * 3 // 5) + [2] * (N - N * 3 // 5))  # sorted, with ties
    shuffled = torch.randperm(N)
    x_s, l_s = x[:, shuffled], lengths[shuffled]
    groups = [(l_s == length).nonzero().flatten() for length in (3, 2)]
    by_hand = torch.cat([group[torch.randperm(len(group))] for group in groups])
    hand = pack(x_s[:, by_hand], l_s[by_hand], enforce_sorted=True)
    hand = PackedSequence(hand.data, hand.batch_sizes, by_hand, None)  # ties in another order
    full = torch.full((N,), 3)
    return {
        "pack unsorted": ((pack(x_s, l_s, enforce_sorted=False), {}), pack(x_s, l_s, enforce_sorted=False)),
        "pack sorted": ((pack(x, lengths, enforce_sorted=True), {}), pack(x, lengths, enforce_sorted=True)),
        "pack by hand": ((hand, {}), hand),
        "lengths unsorted": ((x_s, {"lengths": l_s}), pack(x_s, l_s, enforce_sorted=False)),
        "lengths sorted": ((x, {"lengths": lengths, "enforce_sorted": True}), pack(x, lengths)),
        "lengths full": ((x, {"lengths": full}), pack(x, full, enforce_sorted=False)),
    }


@pytest.mark.parametrize(("mode", "kw"), KINDS)
@pytest.mark.parametrize("backend", ["auto", "native"])
@pytest.mark.parametrize("N", [20, 40])
def test_tied_lengths_from_17_sequences_draw_torchs_dropout_masks(
    mode: str, kw: dict, backend: str, N: int
) -> None:
    """torch.sort is not stable from 17 elements up: sorting a batch's lengths again (the native
    kernel's packing) put tied sequences in another order than torch.nn runs them in, so with torch.nn's
    seed they met other sequences' dropout masks. A PackedSequence runs in its own order, lengths with
    enforce_sorted=True as given, and lengths with enforce_sorted=False as torch's own pack sorts them."""
    torch.manual_seed(N)
    ours, theirs = make_pair(mode, 4, 6, backend, num_layers=2, dropout=0.5, bidirectional=True, **kw)
    h0 = torch.randn(4, N, 3 if kw else 6)
    hx = (h0, torch.randn(4, N, 6)) if mode == "lstm" else h0
    differ = []
    for name, ((given, options), packed) in _tied_batches(N).items():
        for train in (True, False):
            torch.manual_seed(5)
            out, state = ours.train(train)(given, hx, **options)
            torch.manual_seed(5)
            want, want_state = theirs.train(train)(packed, hx)
            if "lengths" in options:
                want = nn.utils.rnn.pad_packed_sequence(want, total_length=3)[0]
            else:
                out, want = out.data, want.data
            try:
                _assert_same((out, state), (want, want_state))
            except AssertionError:
                differ.append(f"{name}, train={train}")
    assert not differ, differ


@pytest.mark.parametrize(("mode", "kw"), KINDS)
def test_float64_gradcheck_through_functional_call(mode: str, kw: dict) -> None:
    torch.manual_seed(4)
    layer, _ = make_pair(mode, 3, 4, num_layers=2, bidirectional=True, batch_first=True, **kw)
    layer = layer.double()
    x = torch.randn(2, 3, 3, dtype=torch.float64, requires_grad=True)
    names = [name for name, _ in layer.named_parameters()]

    def run(x, *weights):
        return tuple(_tensors(functional_call(layer, dict(zip(names, weights, strict=True)), (x,))))

    assert torch.autograd.gradcheck(run, (x, *layer.parameters()), eps=1e-6, atol=1e-6)


@pytest.mark.parametrize("backend", ["reference", "native"])
def test_parametrized_pruned_hooked_layers_match_torch_nn_in_inference_mode(backend: str) -> None:
    """weight_norm and pruning replace a named weight by a computed tensor; hooks see the same
    calls; inference_mode gives the same values, with no graph."""
    torch.manual_seed(5)
    ours, theirs = make_pair("lstm", 4, 6, backend=backend, num_layers=2, bidirectional=True)
    seen: dict[str, list] = {"ours": [], "theirs": []}
    for name, layer in (("ours", ours), ("theirs", theirs)):
        parametrizations.weight_norm(layer, "weight_hh_l1")
        with torch.no_grad():
            layer.parametrizations.weight_hh_l1.original0.mul_(3)
        prune.l1_unstructured(layer, "weight_ih_l0", amount=0.5)
        layer.register_forward_hook(lambda m, i, o, name=name: seen[name].append(("forward", len(o))))
        layer.register_full_backward_hook(
            lambda m, gi, go, name=name: seen[name].append(("backward", len(go)))
        )
    x = torch.randn(5, 3, 4, requires_grad=True)
    mine, want = ours(x), theirs(x)
    _assert_same(mine, want, atol=1e-5)
    (mine[0].sum() + mine[1][0].sum()).backward()
    (want[0].sum() + want[1][0].sum()).backward()
    grads = [p.grad for p in ours.parameters()], [p.grad for p in theirs.parameters()]
    torch.testing.assert_close(*grads)
    assert seen["ours"] == seen["theirs"] == [("forward", 2), ("backward", 2)]
    with torch.inference_mode():
        mine = ours(x)
    assert not mine[0].requires_grad
    _assert_same(mine, want, atol=1e-5)


def _pretend_cuda_with_cudnn():
    """Patches under which CPU parameters look like cuDNN-ready CUDA ones, so flatten_parameters
    goes the whole way (torch's real ``get_cudnn_mode``, which refuses a mode cuDNN lacks)."""
    calls: list[tuple] = []
    modes = SimpleNamespace(RNNMode=SimpleNamespace(rnn_relu=0, rnn_tanh=1, lstm=2, gru=3))
    patches = [
        mock.patch.object(torch.Tensor, "is_cuda", new=property(lambda self: True)),
        mock.patch("torch.backends.cudnn.is_acceptable", return_value=True),
        mock.patch.dict(get_cudnn_mode.__globals__, {"_cudnn": modes}),  # torch's cuDNN enum
        mock.patch("torch._use_cudnn_rnn_flatten_weight", return_value=True),
        mock.patch("torch._cudnn_rnn_flatten_weight", side_effect=lambda *args: calls.append(args)),
    ]
    return patches, calls


def test_flatten_parameters_flattens_torchs_modes_and_skips_the_mgu() -> None:
    """On CUDA, ``make_layer("mgu", ...).cuda()`` raised ``ValueError: Unknown mode: MGU`` (every
    ``.to()`` flattens for cuDNN, which has no MGU)."""
    patches, calls = _pretend_cuda_with_cudnn()
    for patch in patches:
        patch.start()
    try:
        rnnkit.LSTM(3, 4, proj_size=2).flatten_parameters()
        assert calls[-1][3] == 2 and calls[-1][5] == 2  # cuDNN's LSTM mode, proj_size
        rnnkit.nn.make_layer("mgu", 3, 4).flatten_parameters()
        assert len(calls) == 1
    finally:
        for patch in reversed(patches):
            patch.stop()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_mgu_moves_to_cuda_and_runs() -> None:
    layer = rnnkit.nn.make_layer("mgu", 3, 4).cuda()
    assert layer(torch.randn(5, 2, 3, device="cuda"))[0].shape == (5, 2, 4)


@pytest.mark.parametrize(("mode", "kw"), KINDS)
def test_autocast_gives_every_output_and_state_in_the_autocast_dtype(mode: str, kw: dict) -> None:
    """On purpose unlike torch.nn on the CPU, whose GRU returns float32 and whose projected LSTM
    returns c_n in float32 (docs/nn.md, "Autocast"): rnnkit runs every cell type in the autocast dtype."""
    ours, _ = make_pair(mode, 4, 6, num_layers=2, **kw)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        result = ours(torch.randn(5, 3, 4))
    assert {t.dtype for t in _tensors(result)} == {torch.bfloat16}
    assert ours.weight_ih_l0.dtype == torch.float32


def test_repr_adds_the_nonlinearity_torch_nn_leaves_out() -> None:
    """torch.nn.RNN's repr omits ``nonlinearity`` (its cells' show it); rnnkit's layer shows it, on
    purpose (docs/nn.md): two layers that compute differently should not print the same."""
    assert repr(nn.RNN(4, 6, nonlinearity="relu")) == "RNN(4, 6)"
    assert repr(rnnkit.RNN(4, 6, nonlinearity="relu")) == "RNN(4, 6, nonlinearity='relu')"
    assert repr(rnnkit.RNNCell(4, 6, nonlinearity="relu")) == repr(nn.RNNCell(4, 6, nonlinearity="relu"))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("backend", ["reference", "native"])
def test_a_float64_layer_or_cell_under_autocast_runs_in_float64_as_torch_nn(mode: str, backend: str) -> None:
    """Autocast leaves float64 alone; rnnkit cast a float64 module's input to bfloat16 and failed in
    its first matrix product (``mat1 and mat2 must have the same dtype``)."""
    torch.manual_seed(6)
    ours, theirs = make_pair(mode, 4, 6, backend=backend, num_layers=2, dtype=torch.float64)
    cell = rnnkit.nn.make_cell(mode.split("_")[0], 4, 6, dtype=torch.float64)
    x = torch.randn(5, 3, 4, dtype=torch.float64)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        mine, want = ours(x), theirs(x)
        state = cell(x[1], cell(x[0]))
    _assert_same(mine, want, atol=1e-12)
    assert all(t.dtype == torch.float64 for t in (state if isinstance(state, tuple) else (state,)))


@pytest.mark.parametrize(("mode", "kw"), KINDS)
def test_forward_mode_ad_runs_on_auto_and_matches_torchs_reverse_mode(mode: str, kw: dict) -> None:
    """jacfwd (torch.func) and dual numbers (torch.autograd.forward_ad) on ``auto``: torch.nn's
    fused CPU LSTM has no forward-mode derivative (``mkldnn_rnn_layer``), so ``auto`` runs the
    reference; the Jacobian equals torch.nn's by reverse mode."""
    torch.manual_seed(7)
    ours, theirs = make_pair(mode, 3, 4, num_layers=2, bidirectional=True, **kw)
    x = torch.randn(4, 2, 3)
    want = torch.func.jacrev(lambda x: theirs(x)[0])(x)
    torch.testing.assert_close(torch.func.jacfwd(lambda x: ours(x)[0])(x), want)
    tangent = torch.randn_like(x)
    with torch.autograd.forward_ad.dual_level():
        out = ours(torch.autograd.forward_ad.make_dual(x, tangent))[0]
        got = torch.autograd.forward_ad.unpack_dual(out).tangent
    torch.testing.assert_close(got, torch.einsum("abcxyz,xyz->abc", want, tangent))
