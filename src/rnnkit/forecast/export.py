"""Export a trained forecast network to ONNX, for serving without rnnkit or torch.

The graph is the network alone: scaled windows ``x (N, W, C)`` in, scaled quantile forecasts
``(N, H, Q)`` out, batch size free. Scaling in and out (``input_scaler``, ``target_scaler``), the
columns, the quantile levels and the transform to prices stay in the model folder's ``config.json``,
which a serving program reads beside the ``.onnx`` file. The exported file is checked in onnxruntime
against the network on a random batch before it is written (whole, or not at all).
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch

from rnnkit.utils.atomic import write_bytes_atomic
from rnnkit.utils.errors import RnnkitError

FORMATS = ("onnx",)
OPSET = 18  # the exporter's own lowest opset for every op the layers use
TOLERANCE = 1e-5
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
    net = fc.model.eval()
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
