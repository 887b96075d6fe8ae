"""Backend registry: names to backends, and the ``auto`` policy.

Known names: ``reference`` (the equations, step by step, in plain PyTorch), ``native`` (torch's
fused kernels: cuDNN on GPU, oneDNN/ATen on CPU), ``triton`` (rnnkit's GPU kernels, from the package
``rnnkit.nn.backends.triton``, imported only when asked for). ``auto`` picks:

- on CUDA: ``triton`` when that package imports, its backend can run the call and its
  ``prefer_triton(spec, x, lengths, return_gates)`` says so; else ``native`` where it can run;
  else ``reference``;
- elsewhere (CPU): ``native`` where it can run (it cannot return gates), else ``reference``.

``auto`` never fails where ``reference`` works; a backend asked for by name that cannot run the call
raises :class:`~rnnkit.utils.errors.RnnkitError` with the reason.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from torch import Tensor

from rnnkit.nn.backends import reference
from rnnkit.nn.backends.base import Backend, LayerSpec, run_stack
from rnnkit.utils.errors import RnnkitError

BACKEND_NAMES = ("reference", "native", "triton")
LAYER_BACKENDS = ("auto", *BACKEND_NAMES)

# imported with the package, not at each call: torch.compile traces a dictionary lookup but not
# importlib (a forward that imported its backend compiled in two graphs, and not with fullgraph=True).
# The native backend is imported by a plain import statement on first use (get_backend): its
# torch.compiler.disable imports torch._dynamo, 1.8 s and 150 MB that loading a model must not pay.
_BUILT_IN: dict[str, Backend] = {"reference": reference.BACKEND}
_triton_module: ModuleType | None = None
_triton_error: str | None = None

__all__ = [
    "BACKEND_NAMES",
    "LAYER_BACKENDS",
    "Backend",
    "LayerSpec",
    "check_backend_name",
    "get_backend",
    "run_stack",
    "select_backend",
    "why_not",
]


def _load_triton() -> ModuleType | None:
    """Import ``rnnkit.nn.backends.triton`` once; remember why it failed if it did."""
    global _triton_module, _triton_error
    if _triton_module is None and _triton_error is None:
        try:
            _triton_module = importlib.import_module("rnnkit.nn.backends.triton")
        except ImportError as exc:  # triton not installed, or the package not there yet
            _triton_error = f"{type(exc).__name__}: {exc}"
    return _triton_module


def check_backend_name(name: str) -> None:
    """Reject names that are neither ``auto`` nor a known backend, listing the known ones."""
    if name not in LAYER_BACKENDS:
        raise RnnkitError(f"unknown backend {name!r}; known: {', '.join(LAYER_BACKENDS)}")


def get_backend(name: str) -> Backend:
    """The backend called ``name`` (``reference``, ``native`` or ``triton``)."""
    backend = _BUILT_IN.get(name)
    if backend is not None:  # every call of a layer asks: a dictionary lookup, not an import statement
        return backend
    if name not in BACKEND_NAMES:
        raise RnnkitError(f"unknown backend {name!r}; known: {', '.join(BACKEND_NAMES)}")
    if name == "triton":
        module = _load_triton()
        if module is None:
            raise RnnkitError(f"backend 'triton' is not available ({_triton_error})")
        return module.BACKEND
    if name == "native":
        from rnnkit.nn.backends import native

        _BUILT_IN["native"] = native.BACKEND  # imported now, on first use; asked for by lookup from here on
        return native.BACKEND
    return _BUILT_IN[name]


def why_not(
    backend: Backend, spec: LayerSpec, x: Tensor, lengths: Tensor | None, return_gates: bool
) -> str | None:
    """None when ``backend`` can run this call; else the reason. The cell type is checked first,
    against the modes the backend declares (``backend.modes``), so no backend ever sees a mode it
    does not implement."""
    if spec.mode not in backend.modes:
        return f"it does not implement cell mode {spec.mode!r} (it implements: {', '.join(sorted(backend.modes))})"
    return backend.unsupported_reason(spec, x, lengths, return_gates)


def select_backend(
    name: str, spec: LayerSpec, x: Tensor, lengths: Tensor | None, return_gates: bool
) -> Backend:
    """Resolve ``name`` (``auto`` or a backend name) to a backend that can run this call."""
    if name != "auto":
        backend = get_backend(name)
        reason = why_not(backend, spec, x, lengths, return_gates)
        if reason is not None:
            raise RnnkitError(f"backend {name!r} cannot run this call: {reason}")
        return backend
    if x.is_cuda:
        module = _load_triton()
        if module is not None:
            triton = module.BACKEND
            if why_not(triton, spec, x, lengths, return_gates) is None and module.prefer_triton(
                spec, x, lengths, return_gates
            ):
                return triton
    native = get_backend("native")
    if why_not(native, spec, x, lengths, return_gates) is None:
        return native
    return get_backend("reference")  # implements every mode and every option
