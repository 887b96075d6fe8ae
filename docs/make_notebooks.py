"""Build the lecture notebooks, Korean and English, from one source so the two stay in step.

One notebook per chapter of docs/ko/: ``docs/notebooks/ko/NN-*.ipynb`` and ``docs/notebooks/en/NN-*.ipynb``.
Both languages share every code cell (the code below, once); only the prose differs. Each notebook runs
top to bottom on CPU in seconds (quick settings) and draws its figures inline as
:class:`matplotlib.figure.Figure` objects from :func:`rnnkit.utils.plotting.subplots`.

Usage::

    python docs/make_notebooks.py            # (re)write every notebook
    python docs/make_notebooks.py --check    # exit 1 if a committed notebook differs from this source

Edit this file, not the notebooks: tests/test_docs_ko.py checks they match it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "notebooks"
LANGS = ("ko", "en")

# A cell is ("md", {"ko": ..., "en": ...}) or ("code", source shared by both languages).
Cell = tuple[str, object]


def setup(numpy: bool = True, rnnkit: bool = True, extra: tuple[str, ...] = ()) -> str:
    """The first code cell's imports (only those the chapter uses, so ruff stays quiet)."""
    lines = ["%matplotlib inline"] + (["import numpy as np"] if numpy else []) + ["import torch", ""]
    lines += (["import rnnkit"] if rnnkit else []) + sorted(
        [*extra, "from rnnkit.utils.plotting import subplots"]
    )
    return "\n".join(lines) + "\n\ntorch.manual_seed(0)\ntorch.set_num_threads(1)"


def md(ko: str, en: str) -> Cell:
    return ("md", {"ko": ko, "en": en})


def code(source: str) -> Cell:
    return ("code", source)


CH00: list[Cell] = [
    md(
        "# 00. 순차 데이터\n\n순서가 의미를 가지는 데이터, 곧 순서를 바꾸면 의미가 달라지거나 손상되는 데이터를 "
        "순차 데이터라고 합니다. rnnkit에 들어 있는 IBM 주가로 확인해 봅니다. "
        "설명: [docs/ko/00-sequence-data.md](../../ko/00-sequence-data.md)",
        "# 00. Sequence data\n\nData whose order carries meaning: reorder it and the meaning changes or is lost. "
        "We look at the IBM prices bundled with rnnkit. Text (Korean): "
        "[docs/ko/00-sequence-data.md](../../ko/00-sequence-data.md)",
    ),
    code(
        setup(rnnkit=False, extra=("from rnnkit.forecast.data import load_series",))
        + '\n\nseries = load_series("ibm")\n'
        "prices = series.target  # (T,) adjusted close\n"
        'print(series.name, len(series), "trading days,", series.dates[0].date(), "to", series.dates[-1].date())'
    ),  # fmt: skip
    md(
        "같은 60일치 값이라도 순서대로 놓으면 추세가 보이지만, 순서를 섞으면 값의 분포는 그대로인데 추세라는 정보는 "
        "사라집니다.",
        "The same 60 values: in order they show a trend; shuffled, the distribution is unchanged but the "
        "trend is gone.",
    ),
    code(
        "rng = np.random.default_rng(0)\n"
        "first = prices[:60]\n"
        "fig, axes = subplots(1, 2, figsize=(10, 3), sharey=True)\n"
        'axes[0].plot(first, marker=".")\n'
        'axes[0].set(title="in order", xlabel="day")\n'
        'axes[1].plot(rng.permutation(first), marker=".", color="C1")\n'
        'axes[1].set(title="shuffled", xlabel="position")\n'
        "fig"
    ),
    md(
        "강의의 예처럼 4일간의 주가로 5일째 주가를 맞히는 문제를 만들어 봅니다. 입력은 길이 4의 시퀀스, 출력은 "
        '값 하나입니다. 순서를 쓰는 가장 단순한 예측인 나이브 예측("내일 = 오늘")과 순서를 무시하는 예측("4일 '
        '평균")의 오차를 비교하면, 순서 정보가 실제로 쓸모 있다는 것을 알 수 있습니다.',
        "The lecture's task: 4 days of prices in, day 5 out. The simplest forecast that uses the order "
        '("tomorrow = today") against one that ignores it ("mean of the 4 days"):',
    ),
    code(
        "window = 4\n"
        "X = np.lib.stride_tricks.sliding_window_view(prices[:-1], window)  # (T-4, 4): days t..t+3\n"
        "y = prices[window:]  # (T-4,): day t+4\n"
        'print("input", X[0].round(2), "-> target", y[0].round(2))\n'
        'print(f"naive (last day) MAE {np.abs(X[:, -1] - y).mean():.3f}")\n'
        'print(f"window mean     MAE {np.abs(X.mean(axis=1) - y).mean():.3f}")'
    ),
    md(
        "마지막 날을 쓰는 예측이 더 정확합니다. 네 값의 집합만 보는 모델은 어느 값이 가장 최근인지 알 수 없으므로 "
        "이 정보를 쓸 수 없습니다. 순서를 기억하는 모델이 필요한 이유입니다.",
        "Using the last day wins: a model that sees only the set of four values cannot know which one is "
        "the latest. That is why we need a model that remembers order.",
    ),
]

CH01: list[Cell] = [
    md(
        "# 01. 세 가지 모양\n\n순환신경망은 입력과 출력의 모양에 따라 세 가지로 쓰입니다. 먼저 세 모양을 텐서의 "
        "모양(shape)으로 확인한 뒤, 첫 번째 모양(시퀀스 → 벡터)은 작은 모델을 직접 학습해 봅니다. "
        "설명: [docs/ko/01-three-shapes.md](../../ko/01-three-shapes.md)",
        "# 01. Three shapes\n\nA recurrent network is used in three shapes, by what goes in and what comes out. "
        "We check them as tensor shapes, then train a small sequence-to-vector model. Text (Korean): "
        "[docs/ko/01-three-shapes.md](../../ko/01-three-shapes.md)",
    ),
    code(
        setup() + "\n\n"
        "# sequence -> vector (many to one): 4 days in, one value out\n"
        "encoder = rnnkit.GRU(1, 16, batch_first=True)\n"
        "x = torch.randn(8, 4, 1)  # (N, L=4 days, 1 feature)\n"
        "out, h_n = encoder(x)  # out (8, 4, 16): every step; h_n (1, 8, 16): the last one\n"
        "head = torch.nn.Linear(16, 1)\n"
        'print("sequence -> vector:", tuple(x.shape), "->", tuple(head(out[:, -1]).shape))'
    ),
    code(
        "# sequence -> sequence (many to many): encode the source, then decode the target step by step\n"
        "vocab = 50\n"
        "embed = torch.nn.Embedding(vocab, 16)\n"
        "src = torch.randint(0, vocab, (8, 7))  # 8 English sentences of 7 tokens\n"
        "_, h = rnnkit.GRU(16, 32, batch_first=True)(embed(src))  # h (1, 8, 32)\n"
        "decoder = rnnkit.GRU(16, 32, batch_first=True)\n"
        "tgt_in = torch.randint(0, vocab, (8, 9))  # the Korean sentence, shifted right\n"
        "dec_out, _ = decoder(embed(tgt_in), h)  # (8, 9, 32)\n"
        "logits = torch.nn.Linear(32, vocab)(dec_out)  # (8, 9, vocab): one word per step\n"
        'print("sequence -> sequence:", tuple(src.shape), "->", tuple(logits.shape))'
    ),
    code(
        "# vector -> sequence (one to many): one image vector sets the first state, the words follow\n"
        "image = torch.randn(8, 64)  # 8 images, each already a 64-feature vector\n"
        "cell = rnnkit.GRUCell(16, 32)\n"
        "h = torch.tanh(torch.nn.Linear(64, 32)(image))  # (8, 32)\n"
        "to_word = torch.nn.Linear(32, vocab)\n"
        "word = torch.zeros(8, dtype=torch.long)  # <start>\n"
        "words = []\n"
        "for _ in range(5):\n"
        "    h = cell(embed(word), h)  # (8, 32)\n"
        "    word = to_word(h).argmax(dim=-1)  # (8,): greedy\n"
        "    words.append(word)\n"
        'print("vector -> sequence:", tuple(image.shape), "->", tuple(torch.stack(words, 1).shape))'
    ),
    md(
        "이제 시퀀스 → 벡터 모델을 IBM 주가로 잠깐 학습합니다. 입력과 목표에는 가격 대신 입력의 마지막 날(4일째) "
        "대비 변화율을 쓰고(가격 수준이 시기마다 크게 달라서), 마지막 20%의 날들로 평가합니다. 기준 모델은 "
        '"내일 = 오늘"인 나이브 예측입니다. 일별 주가는 무작위 보행에 가까워서, 잘 학습된 모델도 이 기준 모델과 '
        "비슷한 오차를 냅니다(`docs/RESULTS.md`).",
        "Now a short training of a sequence-to-vector model on IBM prices. Inputs and target are changes "
        "relative to the last day (price levels differ between periods); the last 20% of days are the test. "
        'The baseline is "tomorrow = today". Daily prices are close to a random walk, so even a well '
        "trained model only ties it (`docs/RESULTS.md`).",
    ),
    code(
        "from rnnkit.forecast.data import load_series\n\n"
        'prices = load_series("ibm").target\n'
        "windows = np.lib.stride_tricks.sliding_window_view(prices, 5)  # (T-4, 5): 4 days in, day 5 out\n"
        "last = windows[:, 3:4]\n"
        "rel = torch.tensor(windows / last - 1.0, dtype=torch.float32)  # change against day 4\n"
        "cut = int(0.8 * len(rel))\n"
        "x_train, y_train = rel[:cut, :4, None], rel[:cut, 4]\n"
        "x_test, y_test = rel[cut:, :4, None], rel[cut:, 4]\n\n"
        'model = torch.nn.ModuleDict({"rnn": rnnkit.LSTM(1, 16, batch_first=True), "head": torch.nn.Linear(16, 1)})\n'
        "\n\ndef predict(x):\n"
        '    out, _ = model["rnn"](x * 50)  # scaled so daily changes are of order 1\n'
        '    return model["head"](out[:, -1]).squeeze(-1) / 50\n\n\n'
        "opt = torch.optim.Adam(model.parameters(), lr=3e-3)\n"
        "for _ in range(150):\n"
        "    batch = torch.randint(0, cut, (256,))\n"
        "    loss = torch.nn.functional.l1_loss(predict(x_train[batch]), y_train[batch])\n"
        "    opt.zero_grad()\n"
        "    loss.backward()\n"
        "    opt.step()\n"
        "with torch.no_grad():\n"
        "    pred = predict(x_test)\n"
        "test_last = torch.tensor(last[cut:, 0], dtype=torch.float32)\n"
        "mae_model = ((pred - y_test).abs() * test_last).mean()\n"
        "mae_naive = (y_test.abs() * test_last).mean()  # naive predicts a change of 0\n"
        'print(f"test MAE in dollars: LSTM {mae_model:.3f}, naive {mae_naive:.3f}")'
    ),
    code(
        "fig, ax = subplots(figsize=(9, 3))\n"
        "days = np.arange(100)\n"
        'ax.plot(days, (test_last * (1 + y_test))[:100], label="actual day 5", color="k")\n'
        'ax.plot(days, (test_last * (1 + pred))[:100], label="LSTM", color="C0")\n'
        'ax.plot(days, test_last[:100], label="naive (day 4)", color="C1", linestyle="--")\n'
        'ax.set(xlabel="test day", ylabel="IBM adjusted close")\n'
        "ax.legend()\n"
        "fig"
    ),
    md(
        "LSTM의 선(파란색)은 나이브 예측의 점선에 거의 가려집니다. 모델이 예측한 변화는 실제 변화보다 열 배 넘게 "
        '작아서, 사실상 "내일 = 오늘"을 배운 셈입니다. 무작위 보행에 가까운 데이터에서는 그것이 최선에 가깝습니다.',
        "The LSTM's line (blue) is almost hidden under the naive dashes: the changes it predicts are more than ten "
        'times smaller than the real ones, so in effect it has learned "tomorrow = today", about the best one can '
        "do on data close to a random walk.",
    ),
    md(
        "세 모양의 완성된 파이프라인은 `rnnkit forecast`, `rnnkit translate`, `rnnkit caption`입니다. 각 명령과 "
        "그 그림은 [01장](../../ko/01-three-shapes.md)에 있습니다.",
        "The finished pipelines for the three shapes are `rnnkit forecast`, `rnnkit translate` and "
        "`rnnkit caption`; the commands and their figures are in [chapter 01](../../ko/01-three-shapes.md).",
    ),
]

CH02: list[Cell] = [
    md(
        "# 02. 기억 시스템과 Simple RNN\n\n$$h_t = \\tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})$$\n\n"
        "한 스텝의 식을 손으로 계산해 `rnnkit.RNNCell`과 같은지 확인하고, 반복문으로 시퀀스 전체를 처리해 "
        "`rnnkit.RNN`과 비교합니다. 설명: [docs/ko/02-simple-rnn.md](../../ko/02-simple-rnn.md)",
        "# 02. The memory system and the Simple RNN\n\n"
        "$$h_t = \\tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})$$\n\n"
        "We compute one step by hand and compare it with `rnnkit.RNNCell`, then loop over a sequence and "
        "compare with `rnnkit.RNN`. Text (Korean): [docs/ko/02-simple-rnn.md](../../ko/02-simple-rnn.md)",
    ),
    code(
        setup(numpy=False) + "\n\n"
        "cell = rnnkit.RNNCell(3, 5)  # input 3 features, hidden state 5\n"
        "x = torch.randn(4, 3)  # (N, H_in)\n"
        "h_prev = torch.randn(4, 5)  # (N, H)\n"
        "by_hand = torch.tanh(x @ cell.weight_ih.T + cell.bias_ih + h_prev @ cell.weight_hh.T + cell.bias_hh)\n"
        "torch.testing.assert_close(cell(x, h_prev), by_hand)\n"
        'print("one step: the cell computes the equation")'
    ),
    code(
        "layer = rnnkit.RNN(3, 5, batch_first=True)\n"
        "xs = torch.randn(2, 10, 3)  # (N, L, H_in)\n"
        "out, h_n = layer(xs)  # out (2, 10, 5)\n"
        "h = torch.zeros(2, 5)\n"
        "steps = []\n"
        "for t in range(xs.shape[1]):  # the loop of the lecture: one step per input\n"
        "    h = torch.tanh(\n"
        "        xs[:, t] @ layer.weight_ih_l0.T + layer.bias_ih_l0 + h @ layer.weight_hh_l0.T + layer.bias_hh_l0\n"
        "    )\n"
        "    steps.append(h)\n"
        "torch.testing.assert_close(out, torch.stack(steps, dim=1))\n"
        'print("the layer is the cell in a loop; output", tuple(out.shape))'
    ),
    md(
        "기억이 얼마나 오래가는지 봅니다. 첫 스텝에만 입력을 주고 이후에는 0을 넣으면, 은닉 상태에 남은 첫 입력의 "
        "흔적은 $W_{hh}$를 곱할 때마다 줄어듭니다(왼쪽, 기본 초기화). $W_{hh}$를 4배로 키우면(오른쪽) 흔적이 "
        "사라지지는 않지만, 은닉 상태가 첫 입력의 크기와 거의 상관없이 큰 값(평균 절댓값 약 0.7)을 스스로 "
        "유지합니다. 첫 입력을 기억한다기보다 자기 활동을 되풀이하는 것이고, tanh는 포화 쪽으로 밀려납니다.",
        "How long does the memory last? Give an input at the first step only, zeros after: the trace of that "
        "input in the hidden state shrinks each time it is multiplied by $W_{hh}$ (left, the default "
        "initialisation). With $W_{hh}$ four times larger (right) the trace never fades, but the hidden state "
        "keeps a large value of its own (mean |h| about 0.7) almost whatever the size of the first input: it "
        "repeats its own activity more than it remembers the input, and tanh is pushed towards saturation.",
    ),
    code(
        "def trace(scale: float, steps: int = 30) -> torch.Tensor:\n"
        "    torch.manual_seed(1)\n"
        "    rnn = rnnkit.RNN(1, 16, batch_first=True, bias=False)\n"
        "    with torch.no_grad():\n"
        "        rnn.weight_hh_l0.mul_(scale)\n"
        "    pulse = torch.zeros(1, steps, 1)\n"
        "    pulse[0, 0, 0] = 1.0  # one input at t = 0, nothing after\n"
        "    out, _ = rnn(pulse)\n"
        "    return out[0].detach()  # (L, H)\n\n\n"
        "fig, axes = subplots(1, 2, figsize=(10, 3), sharey=True)\n"
        "for ax, scale in zip(axes, (1.0, 4.0), strict=True):\n"
        "    ax.plot(trace(scale).abs().mean(dim=1))\n"
        '    ax.set(yscale="log", xlabel="step t", title=f"mean |h_t|, W_hh x {scale}")\n'
        "fig"
    ),
]

CH03: list[Cell] = [
    md(
        "# 03. 기울기 소실과 처방\n\n역전파는 스텝마다 야코비 행렬 $\\partial h_k/\\partial h_{k-1} = "
        "\\mathrm{diag}(\\phi'(a_k))\\,W_{hh}$를 곱합니다. 이 곱의 노름이 먼 과거로 갈수록 어떻게 변하는지 "
        "셀마다 측정합니다. 설명: [docs/ko/03-vanishing-gradient.md](../../ko/03-vanishing-gradient.md)",
        "# 03. The vanishing gradient and its remedies\n\nBackpropagation multiplies one Jacobian per step, "
        "$\\partial h_k/\\partial h_{k-1} = \\mathrm{diag}(\\phi'(a_k))\\,W_{hh}$. We measure how the norm of "
        "the product changes with distance into the past, for each cell. Text (Korean): "
        "[docs/ko/03-vanishing-gradient.md](../../ko/03-vanishing-gradient.md)",
    ),
    code(
        setup(numpy=False, rnnkit=False) + "\n\n"
        "# The linear case first: the product is W^k, so its norm follows the largest singular value.\n"
        "q, _ = torch.linalg.qr(torch.randn(16, 16))  # orthogonal: every singular value is 1\n"
        "fig, ax = subplots(figsize=(6, 3))\n"
        "for scale in (0.9, 1.0, 1.1):\n"
        "    norms = [torch.linalg.matrix_norm(torch.linalg.matrix_power(scale * q, k), ord=2) for k in range(50)]\n"
        '    ax.semilogy(norms, label=f"W = {scale} x orthogonal")\n'
        'ax.set(xlabel="steps back k", ylabel="||W^k||")\n'
        "ax.legend()\n"
        "fig"
    ),
    md(
        "이제 실제 셀에서 잽니다. 학습 전의 Simple RNN(tanh), ReLU RNN, IRNN(ReLU + 항등 행렬 초기화), LSTM, "
        "GRU에서 $\\lVert \\partial h_T / \\partial h_t \\rVert$를 `rnnkit explain gradient-flow`가 쓰는 바로 그 "
        "함수로 측정합니다.",
        "Now the real cells, untrained: Simple RNN (tanh), ReLU RNN, IRNN (ReLU with identity "
        "initialisation), LSTM and GRU; we measure $\\lVert \\partial h_T / \\partial h_t \\rVert$ with the "
        "function `rnnkit explain gradient-flow` uses.",
    ),
    code(
        "from rnnkit.explain.gradient_flow import cell_step, state_jacobian_norms\n"
        "from rnnkit.explain.memory_tasks import adding_problem\n"
        "from rnnkit.explain.models import TaskModel\n\n"
        "length, hidden = 40, 16\n"
        "data = adding_problem(4, length, generator=torch.Generator().manual_seed(0))  # x (4, 40, 2)\n"
        "fig, ax = subplots(figsize=(7, 4))\n"
        'for variant in ("rnn", "rnn-relu", "irnn", "lstm", "gru"):\n'
        "    torch.manual_seed(0)\n"
        "    model = TaskModel(variant, 2, hidden)\n"
        "    norms = state_jacobian_norms(cell_step(model), data.x, hidden)  # (L,)\n"
        "    ax.semilogy(range(length - 1, -1, -1), norms, label=variant)\n"
        '    print(f"{variant:9s} ||dh_T/dh_0|| = {norms[0]:.2e}")\n'
        'ax.set(xlabel="steps back from the end (T - t)", ylabel="||dh_T / dh_t||", title="at initialisation")\n'
        "ax.legend()\n"
        "fig"
    ),
    md(
        "tanh RNN과 ReLU RNN의 기울기는 거리에 따라 기하급수적으로 줄어듭니다. IRNN은 $W_{hh}=I$에서 시작하므로 "
        "처음에는 기울기가 줄지 않습니다. LSTM과 GRU도 학습 전에는 기울기가 줄어들지만(LSTM의 망각 게이트와 GRU의 "
        "업데이트 게이트가 0.5 근처), 학습하면서 게이트가 이전 상태를 간직하는 쪽(1 근처)으로 열려 기울기가 멀리 "
        "전달됩니다. 학습 후의 곡선은 `rnnkit explain gradient-flow`로 그립니다.",
        "The tanh and ReLU RNNs lose the gradient geometrically with distance. The IRNN starts from "
        "$W_{hh}=I$, so at first it loses nothing. The LSTM and GRU also shrink before training (the LSTM's "
        "forget gate and the GRU's update gate near 0.5), and training opens those gates towards keeping the "
        "previous state (near 1) so the gradient reaches far; `rnnkit explain gradient-flow` draws the curves "
        "after training too.",
    ),
]

CH04: list[Cell] = [
    md(
        "# 04. LSTM\n\n$$\\begin{aligned} f_t &= \\sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf}) \\\\ "
        "i_t &= \\sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi}) \\\\ "
        "g_t &= \\tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg}) \\\\ "
        "o_t &= \\sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho}) \\\\ "
        "c_t &= f_t \\odot c_{t-1} + i_t \\odot g_t \\\\ h_t &= o_t \\odot \\tanh(c_t) \\end{aligned}$$\n\n"
        "설명: [docs/ko/04-lstm.md](../../ko/04-lstm.md)",
        "# 04. LSTM\n\n$$\\begin{aligned} f_t &= \\sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf}) \\\\ "
        "i_t &= \\sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi}) \\\\ "
        "g_t &= \\tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg}) \\\\ "
        "o_t &= \\sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho}) \\\\ "
        "c_t &= f_t \\odot c_{t-1} + i_t \\odot g_t \\\\ h_t &= o_t \\odot \\tanh(c_t) \\end{aligned}$$\n\n"
        "Text (Korean): [docs/ko/04-lstm.md](../../ko/04-lstm.md)",
    ),
    code(
        setup(numpy=False) + "\n\n"
        "cell = rnnkit.LSTMCell(3, 4)\n"
        "x, h, c = torch.randn(2, 3), torch.randn(2, 4), torch.randn(2, 4)\n"
        "(h1, c1), gates = cell(x, (h, c), return_gates=True)\n"
        "# weight rows are stacked in torch.nn's order: input, forget, cell candidate, output\n"
        "pre = x @ cell.weight_ih.T + cell.bias_ih + h @ cell.weight_hh.T + cell.bias_hh  # (2, 16)\n"
        "i, f, g, o = pre.chunk(4, dim=1)\n"
        "i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)\n"
        "torch.testing.assert_close(gates.forget, f)\n"
        "torch.testing.assert_close(c1, f * c + i * g)  # cell state update\n"
        "torch.testing.assert_close(h1, o * torch.tanh(c1))  # output gate\n"
        'print("forget, input, output gates and cell state match the equations")'
    ),
    md(
        "망각 게이트가 1에 가까우면 셀 상태는 과거를 그대로 간직하고, 0에 가까우면 금방 잊습니다. 첫 스텝에만 "
        "입력을 주고(입력 게이트는 그 스텝에서만 열리게 했습니다), 망각 게이트를 편향으로 "
        "$f = \\sigma(6) \\approx 0.998$, $\\sigma(0) = 0.5$, $\\sigma(-6) \\approx 0.002$에 고정해 $c_t$를 비교합니다.",
        "A forget gate near 1 keeps the cell state; near 0 it forgets at once. One input at the first step "
        "(the input gate opens only there), and the forget gate fixed by its bias to "
        "$f = \\sigma(6) \\approx 0.998$, $\\sigma(0) = 0.5$ or $\\sigma(-6) \\approx 0.002$:",
    ),
    code(
        "def cell_state(forget_bias: float, steps: int = 40) -> torch.Tensor:\n"
        "    torch.manual_seed(2)\n"
        "    lstm = rnnkit.LSTM(1, 8, batch_first=True)\n"
        "    H = lstm.hidden_size\n"
        "    i_rows, f_rows = slice(0, H), slice(H, 2 * H)  # gate order: input, forget, cell, output\n"
        "    with torch.no_grad():\n"
        "        for rows, weight, bias in ((f_rows, 0.0, forget_bias), (i_rows, 20.0, -10.0)):\n"
        "            lstm.weight_hh_l0[rows] = 0.0  # these gates read the input only\n"
        "            # the input gate: open (sigmoid(10) = 0.99995) when x = 1, shut (0.00005) when x = 0, so that\n"
        "            # nothing but the first input is written (at 0.007, 40 small writes would drift c_t)\n"
        "            lstm.weight_ih_l0[rows] = weight\n"
        "            lstm.bias_ih_l0[rows] = bias\n"
        "            lstm.bias_hh_l0[rows] = 0.0\n"
        "    pulse = torch.zeros(1, steps, 1)\n"
        "    pulse[0, 0, 0] = 1.0  # something to remember, at t = 0 only\n"
        "    _, _, gates = lstm(pulse, return_gates=True)\n"
        "    return gates.c[0, 0].detach()  # (L, H): layer 0, sequence 0\n\n\n"
        "fig, axes = subplots(1, 3, figsize=(12, 3), sharey=True)\n"
        "for ax, bias in zip(axes, (6.0, 0.0, -6.0), strict=True):\n"
        "    ax.plot(cell_state(bias))\n"
        "    f = torch.sigmoid(torch.tensor(bias)).item()\n"
        '    ax.set(xlabel="step t", title=f"cell state c_t, forget gate {f:.3f}")\n'
        'axes[0].set_ylabel("c_t (8 units)")\n'
        "fig"
    ),
    md(
        "덧셈 문제로 학습한 LSTM의 게이트는 `rnnkit explain gates`가 그립니다. "
        "[04장](../../ko/04-lstm.md)의 그림을 보십시오.",
        "The gates of a trained LSTM (on the adding problem) are drawn by `rnnkit explain gates`: see the "
        "figure in [chapter 04](../../ko/04-lstm.md).",
    ),
]

CH05: list[Cell] = [
    md(
        "# 05. GRU\n\n$$\\begin{aligned} r_t &= \\sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr}) \\\\ "
        "z_t &= \\sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz}) \\\\ "
        "n_t &= \\tanh(W_{in} x_t + b_{in} + r_t \\odot (W_{hn} h_{t-1} + b_{hn})) \\\\ "
        "h_t &= (1 - z_t) \\odot n_t + z_t \\odot h_{t-1} \\end{aligned}$$\n\n"
        "설명: [docs/ko/05-gru.md](../../ko/05-gru.md)",
        "# 05. GRU\n\n$$\\begin{aligned} r_t &= \\sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr}) \\\\ "
        "z_t &= \\sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz}) \\\\ "
        "n_t &= \\tanh(W_{in} x_t + b_{in} + r_t \\odot (W_{hn} h_{t-1} + b_{hn})) \\\\ "
        "h_t &= (1 - z_t) \\odot n_t + z_t \\odot h_{t-1} \\end{aligned}$$\n\n"
        "Text (Korean): [docs/ko/05-gru.md](../../ko/05-gru.md)",
    ),
    code(
        setup(numpy=False) + "\n\n"
        "cell = rnnkit.GRUCell(3, 4)\n"
        "x, h = torch.randn(2, 3), torch.randn(2, 4)\n"
        "h1, gates = cell(x, h, return_gates=True)\n"
        "gx = (x @ cell.weight_ih.T + cell.bias_ih).chunk(3, dim=1)  # reset, update, new\n"
        "gh = (h @ cell.weight_hh.T + cell.bias_hh).chunk(3, dim=1)\n"
        "r = torch.sigmoid(gx[0] + gh[0])\n"
        "z = torch.sigmoid(gx[1] + gh[1])\n"
        "n = torch.tanh(gx[2] + r * gh[2])  # the reset gate scales the recurrent part\n"
        "torch.testing.assert_close(h1, (1 - z) * n + z * h)\n"
        'print("the GRU cell matches the equations")'
    ),
    md(
        "GRU에는 셀 상태가 없고, 가중치는 세 묶음(게이트 둘과 새 후보 상태)입니다. LSTM은 네 묶음(게이트 셋과 셀 "
        "후보)이므로, 같은 크기에서 GRU의 파라미터는 LSTM의 4분의 3입니다.",
        "The GRU has no cell state and three weight blocks (two gates and the new candidate; the LSTM has "
        "four: three gates and the cell candidate): three quarters of the parameters at the same size.",
    ),
    code(
        'for name in ("RNN", "GRU", "LSTM"):\n'
        "    layer = getattr(rnnkit, name)(64, 128)\n"
        '    print(f"{name:5s} {sum(p.numel() for p in layer.parameters()):7d} parameters")'
    ),
    md(
        "업데이트 게이트 $z_t$가 1에 가까우면 이전 상태를 유지하고, 0에 가까우면 새 후보 상태 $n_t$로 바꿉니다. "
        "LSTM의 망각 게이트와 입력 게이트를 하나로 묶은 셈입니다. 모든 유닛이 0.8에서 시작하고 입력은 0일 때, "
        "업데이트 게이트를 편향으로 $\\sigma(6) \\approx 0.998$, $\\sigma(0) = 0.5$, $\\sigma(-6) \\approx 0.002$에 고정해 비교합니다.",
        "An update gate $z_t$ near 1 keeps the previous state, near 0 replaces it with the candidate $n_t$: "
        "the LSTM's forget and input gates in one. Every unit starts at 0.8, the input is 0, and the update "
        "gate is fixed by its bias to $\\sigma(6) \\approx 0.998$, $\\sigma(0) = 0.5$ or $\\sigma(-6) \\approx 0.002$:",
    ),
    code(
        "def hidden(update_bias: float, steps: int = 40) -> torch.Tensor:\n"
        "    torch.manual_seed(2)\n"
        "    gru = rnnkit.GRU(1, 8, batch_first=True)\n"
        "    with torch.no_grad():\n"
        "        H = gru.hidden_size\n"
        "        gru.bias_ih_l0[H : 2 * H] = update_bias  # rows H..2H are the update gate\n"
        "        gru.bias_hh_l0[H : 2 * H] = 0.0\n"
        "        gru.weight_hh_l0[H : 2 * H] = 0.0\n"
        "        gru.weight_ih_l0[H : 2 * H] = 0.0\n"
        "    start = torch.full((1, 1, H), 0.8)  # a memory to keep: h_0 = 0.8 in every unit\n"
        "    out, _ = gru(torch.zeros(1, steps, 1), start)\n"
        "    return out[0].detach()  # (L, H)\n\n\n"
        "fig, axes = subplots(1, 3, figsize=(12, 3), sharey=True)\n"
        "for ax, bias in zip(axes, (6.0, 0.0, -6.0), strict=True):\n"
        "    ax.plot(hidden(bias))\n"
        "    z = torch.sigmoid(torch.tensor(bias)).item()\n"
        '    ax.set(xlabel="step t", title=f"h_t, update gate {z:.3f}")\n'
        'axes[0].set_ylabel("h_t (8 units)")\n'
        "fig"
    ),
]

CHAPTERS: dict[str, list[Cell]] = {
    "00-sequence-data": CH00,
    "01-three-shapes": CH01,
    "02-simple-rnn": CH02,
    "03-vanishing-gradient": CH03,
    "04-lstm": CH04,
    "05-gru": CH05,
}


def build(cells: list[Cell], lang: str) -> nbformat.NotebookNode:
    """The notebook of one chapter in ``lang``: shared code, that language's prose, no outputs."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for n, (kind, body) in enumerate(cells):
        cell_id = f"{lang}-{n:02d}"
        if kind == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(body[lang], id=cell_id))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(body, id=cell_id))
    return nb


def render(lang: str, name: str) -> str:
    return nbformat.writes(build(CHAPTERS[name], lang)) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the notebooks are up to date")
    args = parser.parse_args(argv)
    stale = []
    for lang in LANGS:
        for name in CHAPTERS:
            path = OUT / lang / f"{name}.ipynb"
            text = render(lang, name)
            if path.exists() and path.read_text(encoding="utf-8") == text:
                continue
            if args.check:
                stale.append(str(path.relative_to(ROOT)))
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print("out of date (run python docs/make_notebooks.py):", ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
