"""Gradient-flow values are real: analytic Jacobians, the cell path equals the layer, LSTM memory."""

import pytest
import torch
import torch.nn.functional as F

from rnnkit.explain.gradient_flow import (
    cell_step,
    gradient_flow,
    input_gradient_norms,
    state_jacobian_norms,
    state_jacobians,
)
from rnnkit.explain.models import VARIANTS, TaskModel

TOL = {"rtol": 1e-10, "atol": 1e-12}  # float64 throughout: only rounding separates the two sides


def _linear_step(w: torch.Tensor, u: torch.Tensor):
    """A linear RNN h_t = W h_{t-1} + U x_t, whose Jacobian dh_T/dh_t is exactly W^(T-t)."""

    def step(x_t, h_prev, extra):
        h = x_t @ u.t() if h_prev is None else h_prev @ w.t() + x_t @ u.t()
        return h, None

    return step


def test_linear_rnn_jacobian_is_the_matrix_power():
    torch.manual_seed(0)
    h, length = 5, 12
    w = torch.randn(h, h, dtype=torch.float64) * 0.4
    u = torch.randn(h, 3, dtype=torch.float64)
    x = torch.randn(2, length, 3, dtype=torch.float64)
    jac = state_jacobians(_linear_step(w, u), x, h)  # (N, L, H, H)
    assert jac.shape == (2, length, h, h)
    for t in range(length):
        expected = torch.linalg.matrix_power(w, length - 1 - t)
        for n in range(2):
            torch.testing.assert_close(jac[n, t], expected, **TOL)
    norms = state_jacobian_norms(_linear_step(w, u), x, h)
    expected_norms = torch.stack(
        [torch.linalg.matrix_norm(torch.linalg.matrix_power(w, length - 1 - t), ord=2) for t in range(length)]
    ).float()
    torch.testing.assert_close(norms, expected_norms, rtol=1e-5, atol=1e-12)


@pytest.mark.parametrize("max_elements", [10**9, 2 * 12 * 5 * 5, 12 * 5 * 5, 12 * 5 * 2, 1])
def test_norms_split_into_bounded_passes_give_the_one_pass_values(max_elements):
    # A big --hidden-size and --length used to run as one pass of N * H * L * H elements (some 115 GB
    # at H=512, L=1000) and the machine killed the command; now no pass holds more than max_elements
    # (or one row of one sequence), and the norms are the same however the work is split.
    torch.manual_seed(3)
    h, length = 5, 12
    w = torch.randn(h, h, dtype=torch.float64) * 0.4
    u = torch.randn(h, 3, dtype=torch.float64)
    x = torch.randn(3, length, 3, dtype=torch.float64)
    linear = _linear_step(w, u)
    batches = []

    def step(x_t, h_prev, extra):
        batches.append(x_t.shape[0])
        return linear(x_t, h_prev, extra)

    norms = state_jacobian_norms(step, x, h, max_elements=max_elements)
    assert max(batches) * length * h <= max(max_elements, length * h)
    passes = len(batches) // length
    assert passes == {10**9: 1, 2 * 12 * 5 * 5: 2, 12 * 5 * 5: 3, 12 * 5 * 2: 9, 1: 15}[max_elements]
    expected = torch.stack(
        [torch.linalg.matrix_norm(torch.linalg.matrix_power(w, length - 1 - t), ord=2) for t in range(length)]
    ).float()
    torch.testing.assert_close(norms, expected, rtol=1e-5, atol=1e-12)


def test_relu_rnn_cell_in_its_linear_region_gives_the_matrix_power():
    # Non-negative W_hh and a positive bias keep every pre-activation positive, where ReLU is the identity:
    # then h_t = W h_{t-1} + b and dh_T/dh_t = W^(T-t) through the real rnnkit cell.
    torch.manual_seed(1)
    model = TaskModel("rnn-relu", 2, 4).double()
    w = torch.rand(4, 4, dtype=torch.float64) * 0.3
    with torch.no_grad():
        model.rnn.weight_ih_l0.zero_()
        model.rnn.weight_hh_l0.copy_(w)
        model.rnn.bias_ih_l0.fill_(1.0)
        model.rnn.bias_hh_l0.zero_()
    length = 9
    x = torch.rand(3, length, 2, dtype=torch.float64)
    jac = state_jacobians(cell_step(model), x, 4)
    for t in range(length):
        torch.testing.assert_close(jac[1, t], torch.linalg.matrix_power(w, length - 1 - t), **TOL)


@pytest.mark.parametrize("name", list(VARIANTS))
def test_cell_step_reproduces_the_layer(name):
    torch.manual_seed(2)
    model = TaskModel(name, 2, 6).double()
    x = torch.randn(3, 7, 2, dtype=torch.float64)
    step = cell_step(model)
    h, extra, outs = None, None, []
    for t in range(7):
        h, extra = step(x[:, t], h, extra)
        outs.append(h)
    expected, _ = model.rnn(x)  # (N, L, H)
    torch.testing.assert_close(torch.stack(outs, dim=1), expected, rtol=1e-10, atol=1e-12)


def _lstm_with_forget_bias(bias: float, hidden: int = 8) -> TaskModel:
    torch.manual_seed(3)
    model = TaskModel("lstm", 2, hidden)
    with torch.no_grad():
        model.rnn.bias_hh_l0.zero_()
        model.rnn.bias_ih_l0.zero_()
        model.rnn.bias_ih_l0[hidden : 2 * hidden] = bias  # gate order i, f, g, o
    return model


def test_lstm_with_large_forget_bias_keeps_the_gradient():
    length = 60
    x = torch.rand(4, length, 2)
    y = torch.rand(4)
    loss = F.mse_loss
    open_gate = gradient_flow(_lstm_with_forget_bias(8.0), loss, x, y)
    half_gate = gradient_flow(_lstm_with_forget_bias(0.0), loss, x, y)
    # f ~ 1: the cell state carries the gradient from step 0 to step T undamped ...
    assert float(open_gate.state_norms[0]) > 0.2 * float(open_gate.state_norms[length - 5])
    # ... f ~ 0.5 (zero bias, about where training starts): it has all but vanished after 60 steps.
    assert float(half_gate.state_norms[0]) < 1e-8 * float(half_gate.state_norms[length - 5])
    assert float(open_gate.input_norms[0]) > 1e6 * float(half_gate.input_norms[0])


def test_tanh_rnn_gradient_vanishes_with_distance():
    torch.manual_seed(4)
    model = TaskModel("rnn", 2, 16)
    x = torch.rand(4, 80, 2)
    flow = gradient_flow(model, F.mse_loss, x, torch.rand(4))
    torch.testing.assert_close(flow.state_norms[-1], torch.tensor(1.0), rtol=0, atol=1e-5)  # dh_T/dh_T = I
    assert float(flow.state_norms[0]) < 1e-4 * float(flow.state_norms[-2])


def test_input_gradient_norms_match_per_sequence_autograd():
    torch.manual_seed(5)
    model = TaskModel("gru", 2, 5).double()
    x = torch.randn(3, 6, 2, dtype=torch.float64)
    y = torch.randn(3, dtype=torch.float64)
    norms = input_gradient_norms(model, F.mse_loss, x, y)
    per_sequence = []
    for n in range(3):
        xn = x[n : n + 1].clone().requires_grad_(True)
        (grad,) = torch.autograd.grad(F.mse_loss(model(xn), y[n : n + 1]), xn)
        per_sequence.append(grad[0].norm(dim=-1))  # (L,)
    torch.testing.assert_close(norms, torch.stack(per_sequence).mean(dim=0), rtol=1e-10, atol=1e-12)


def test_input_gradient_norms_of_tiny_float32_gradients_do_not_underflow():
    """A vanished gradient of 3e-30 and 4e-30 has norm 5e-30, not 0 (float32 squares underflow)."""

    class Fixed(torch.nn.Module):
        def forward(self, x):  # x (N, L, 2): the loss's gradient at step 0 is (3e-30, 4e-30)
            return (x[:, 0] * torch.tensor([3e-30, 4e-30])).sum(-1)

    x = torch.zeros(1, 3, 2)
    norms = input_gradient_norms(Fixed(), lambda out, y: out.sum(), x, torch.zeros(1))
    assert norms.dtype == torch.float32
    torch.testing.assert_close(norms[0], torch.tensor(5e-30), rtol=1e-5, atol=0)
    assert float(norms[1]) == 0.0  # a step the loss does not read
