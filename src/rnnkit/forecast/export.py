"""Export a trained forecast network to ONNX, for serving without rnnkit or torch.

The graph is the network with what ``forecast predict`` does in scaled units: its linear blend
(``--linear-blend``) and its calibrated intervals (the conformal ``interval_offsets``, then the
quantiles sorted as :func:`rnnkit.forecast.calibrate.apply_offsets` sorts them), so that its quantiles
are predict's, not the raw network's. Scaled windows ``x (N, W, C)`` in, scaled quantile forecasts
``(N, H, Q)`` out, batch size free. Scaling in and out (``input_scaler``, ``target_scaler``), the
columns, the quantile levels and the transform to prices stay in the model folder's ``config.json``,
which a serving program reads beside the ``.onnx`` file (:data:`GRAPH` says it in one line). The exported file is checked in onnxruntime
against the network on a random batch before it is written (whole, or not at all).
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch

from rnnkit.forecast.calibrate import point_index, symmetric_pairs
from rnnkit.utils.atomic import write_bytes_atomic
from rnnkit.utils.errors import RnnkitError

if TYPE_CHECKING:
    from rnnkit.forecast.forecaster import TrainedModel

FORMATS = ("onnx",)
OPSET = 18  # the exporter's own lowest opset for every op the layers use
TOLERANCE = 1e-5
GRAPH = (
    "input x (N, window, columns): each step's changes (levels for predict prices), scaled by "
    "config.json's input_scaler; output quantiles "
    "(N, horizon, Q), the linear blend and calibrated intervals included, in scaled units: times "
    "target_scaler's std plus its mean, then to the series' units by config.json's predict"
)
# torch's own loggers that talk during an export ("torchvision is not installed. Skipping ...")
TORCH_LOGGERS = ("torch.onnx", "torch._dynamo", "torch.export", "torch.fx.experimental.symbolic_shapes")


@contextlib.contextmanager
def quiet_torch_export() -> Iterator[None]:
    """Silence torch's internal chatter while it exports: its logs below ERROR and its Future- and
    DeprecationWarnings (``_check_is_size will be removed ...``), inside the block only. Errors still
    raise, and rnnkit's own messages are not touched. (The ``[torch.onnx] ...`` progress lines are
    turned off by ``verbose=False``.)"""
    loggers = [logging.getLogger(name) for name in TORCH_LOGGERS]
    levels = [logger.level for logger in loggers]
    try:
        for logger in loggers:
            logger.setLevel(logging.ERROR)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class CalibratedNetwork(torch.nn.Module):
    """The network followed by its conformal interval offsets, as ``TrainedModel.predict_z`` applies them
    (:func:`rnnkit.forecast.calibrate.apply_offsets`): each pair widened by its step's offset, the
    pairs kept on their side of the point forecast, each side sorted. Without it the exported
    intervals were the raw network's (the 80% interval of a 3-epoch model 18 units off predict's)."""

    def __init__(self, net: torch.nn.Module, offsets: np.ndarray, levels: list[float]) -> None:
        super().__init__()
        self.net = net
        pairs = symmetric_pairs(levels)
        shift = torch.zeros(offsets.shape[0], len(levels))  # (H, Q)
        for p, (lo, hi) in enumerate(pairs):
            shift[:, lo] -= torch.as_tensor(offsets[:, p], dtype=torch.float32)
            shift[:, hi] += torch.as_tensor(offsets[:, p], dtype=torch.float32)
        self.register_buffer("shift", shift)
        self.mid = point_index(levels)
        self.clamp = bool(pairs)  # apply_offsets keeps sides apart only when it moved a pair

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q = self.net(x) + self.shift  # (N, H, Q)
        if self.clamp:
            point = q[..., self.mid : self.mid + 1]  # (N, H, 1), never moved
            below = torch.minimum(q[..., : self.mid], point)
            above = torch.maximum(q[..., self.mid + 1 :], point)
            q = torch.cat([below, point, above], dim=-1)
        return torch.sort(q, dim=-1).values


def exported_module(fc: TrainedModel) -> torch.nn.Module:
    """What the ONNX graph computes: the network (blend included), calibrated when the model is."""
    net = fc.model.eval()
    if fc.interval_offsets is None:
        return net
    return CalibratedNetwork(net, np.asarray(fc.interval_offsets), list(fc.hyper.quantiles)).eval()


def export_onnx(model_dir: str | Path, out: str | Path) -> Path:
    """Write ``out``, the ONNX graph of the forecast network in ``model_dir``; returns ``out``.

    Raises RnnkitError when the exporter packages are missing or the exported graph does not agree
    with the network within ``TOLERANCE`` in onnxruntime.
    """
    try:
        import onnxruntime as ort
        import onnxscript  # noqa: F401 - torch's exporter needs it
    except ImportError as exc:
        raise RnnkitError(
            f"ONNX export needs onnx, onnxscript and onnxruntime (pip install 'rnnkit[onnx]'): {exc}"
        ) from exc
    from rnnkit.forecast.forecaster import TrainedModel

    fc = TrainedModel.load(model_dir, device="cpu")
    net = exported_module(fc)
    x = torch.randn(3, fc.window, len(fc.columns))  # (N, W, C), scaled units
    batch = torch.export.Dim("batch", min=1)
    with quiet_torch_export():
        program = torch.onnx.export(
            net, (x,), dynamo=True, opset_version=OPSET, dynamic_shapes=({0: batch},), input_names=["x"],
            output_names=["quantiles"], verbose=False,
        )  # fmt: skip
    data = program.model_proto.SerializeToString()
    session = ort.InferenceSession(data)
    for n in (1, 5):  # another batch size than the example's
        check = torch.randn(n, fc.window, len(fc.columns))
        got = session.run(None, {"x": check.numpy()})[0]
        with torch.no_grad():
            want = net(check).numpy()
        worst = float(np.abs(got - want).max())
        if not worst <= TOLERANCE:
            raise RnnkitError(
                f"the ONNX graph differs from the network by {worst:.2e} (> {TOLERANCE}); not written"
            )
    return write_bytes_atomic(out, data)
