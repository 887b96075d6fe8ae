"""Images given in memory to ``Captioner.describe``: Pillow images, NumPy arrays and torch tensors,
each read as the file of it would be, or refused in one line that says what is taken.

Taken (``C``: 1 gray, 3 RGB, 4 RGBA):

- a Pillow image of any mode a file gives (:func:`rnnkit.caption.images.to_rgb`);
- a NumPy array ``(H, W)`` or ``(H, W, C)``, channels last, as Pillow and OpenCV hold pictures, its
  channels in RGB(A) order (OpenCV's ``cv2.imread`` gives BGR, which nothing can tell from RGB: red read
  as blue; pass ``cv2.cvtColor(array, cv2.COLOR_BGR2RGB)``);
- a torch tensor ``(C, H, W)`` or ``(H, W)``, channels first, as torchvision holds pictures
  (``torchvision.io.read_image`` gives ``C`` 1, 3 or 4 by the file), or a batch ``(N, C, H, W)``;
- uint8 values, or bool (False black, True white, as Pillow reads a bool array).

Refused, never guessed at: floats (0..1 or 0..255?), other integers (8-bit or 16-bit values?), a
layout of the other convention (a channels-first array, a channels-last tensor: read the other way,
its rows would be taken for its channels), an array ``(4, W, 4)`` (4 rows of RGBA, or RGBA of 4
columns?), and an image made in memory in Pillow's mode ``I`` or ``I;16`` whose values all lie in
0..255 (what ``convert("I")`` of an 8-bit picture gives), which the 16-bit scale of such files reads
as black. Each refusal names the call that reads the value as meant.
"""

from __future__ import annotations

import numpy as np
import torch

from rnnkit.caption.images import FLOAT_HINT, check_side, to_rgb
from rnnkit.utils.errors import RnnkitError

CHANNELS = (1, 3, 4)  # gray, RGB, RGBA
HIGH_BIT_MODES = ("I", "I;16", "I;16L", "I;16B", "I;16N")


def is_pil(item: object) -> bool:
    return type(item).__module__.startswith("PIL.")


def _integer_hint(values: np.ndarray, cast: str, scaled: str) -> str:
    """How to pass integers of another type than uint8, by the range they hold: ``cast`` (0..255),
    ``scaled`` (0..65535, the scale a 16-bit file is read on), or neither."""
    if values.size == 0:
        return ""
    lo, hi = int(values.min()), int(values.max())
    if lo >= 0 and hi <= 255:
        return f"; values in 0..255: pass {cast}"
    if lo >= 0 and hi <= 65535:
        return f"; 16-bit values: pass {scaled}, the scale a 16-bit file is read on"
    return f"; its values lie in {lo}..{hi}: scale them to 0..255 and pass uint8"


def _dtype_hint(values: np.ndarray, cast: str, scaled: str) -> str:
    """The fix for an array or tensor of another element type than uint8 or bool."""
    if np.issubdtype(values.dtype, np.floating):
        return FLOAT_HINT
    if np.issubdtype(values.dtype, np.integer):
        return _integer_hint(values, cast, scaled)
    if values.dtype.kind in "UO":
        return "; several paths? give them as a list (array.tolist())"
    return ""


def array_image(item: np.ndarray, channels_known: bool = False) -> np.ndarray:
    """A NumPy image as the uint8 ``(H, W)`` or ``(H, W, C)`` array Pillow reads; a one-line error for
    anything else (with the fix where one is known). ``channels_known``: the array of a tensor
    (:func:`tensor_image`), whose channels were first, so its ``(4, W, 4)`` is no doubt (a tensor of 4
    rows of RGBA pixels was refused with the fixes of an array)."""
    shape = item.shape
    fits = item.ndim == 2 or (item.ndim == 3 and shape[2] in CHANNELS)
    if item.dtype in (np.uint8, np.bool_) and fits:
        # (4, W, 4): both readings are pictures
        if not channels_known and item.ndim == 3 and shape[0] == 4 and shape[2] == 4:
            raise RnnkitError(
                f"an image array {shape} reads as 4 rows of {shape[1]} RGBA pixels, or channels first as "
                f"{shape[1]} rows of 4: pass PIL.Image.fromarray(array) for the first, "
                "array.transpose(1, 2, 0) for the second"
            )
        return item.astype(np.uint8) * np.uint8(255) if item.dtype == np.bool_ else item
    if item.dtype not in (np.uint8, np.bool_):
        hint = _dtype_hint(item, "array.astype(numpy.uint8)", "(array / 257).round().astype(numpy.uint8)")
    elif item.ndim == 3 and shape[0] in CHANNELS:
        hint = "; channels first? pass array.transpose(1, 2, 0)"
    elif item.ndim == 4:
        hint = "; a batch of images? pass list(array)"
    else:
        hint = ""
    raise RnnkitError(f"an image array must be uint8 (H, W) or (H, W, 1|3|4), got {item.dtype} {shape}{hint}")


def check_tensor(item: torch.Tensor, batch: bool = False) -> None:
    """A one-line error unless ``item`` is a uint8 or bool tensor ``(C, H, W)`` or ``(H, W)``
    (``batch``: ``(N, C, H, W)``), ``C`` 1, 3 or 4."""
    dims = (4,) if batch else (2, 3)
    channels = item.shape[-3] if item.dim() >= 3 else 1
    if item.dtype in (torch.uint8, torch.bool) and item.dim() in dims and channels in CHANNELS:
        return
    layout = "(N, C, H, W)" if batch else "(C, H, W) or (H, W)"
    if item.dtype not in (torch.uint8, torch.bool):
        values = item.detach().cpu()
        values = values.float().numpy() if values.dtype.is_floating_point else values.numpy()
        hint = _dtype_hint(values, "tensor.to(torch.uint8)", "(tensor / 257).round().to(torch.uint8)")
    elif item.dim() in (3, 4) and item.shape[-1] in CHANNELS:
        order = "0, 3, 1, 2" if item.dim() == 4 else "2, 0, 1"
        hint = f"; channels last? pass tensor.permute({order})"
    elif item.dim() == 4:  # a batch in a list: each image of the list is one picture
        hint = "; a batch of images in a list? pass the batch itself, or list(tensor)"
    else:
        hint = ""
    raise RnnkitError(
        f"an image tensor must be uint8 {layout} with C 1, 3 or 4, got "
        f"{str(item.dtype).removeprefix('torch.')} {tuple(item.shape)}{hint}"
    )


def tensor_image(item: torch.Tensor) -> np.ndarray:
    """A tensor ``(C, H, W)`` or ``(H, W)`` as the array Pillow reads, ``(H, W, C)`` or ``(H, W)`` (for
    :func:`from_memory` with ``channels_known``). A tensor's channels are first, as torchvision's are: a
    ``(4, H, 4)`` is RGBA of ``H`` rows of 4 pixels (refused for a while as a doubt, as an array
    ``(4, W, 4)`` is; a batch of them was refused with one picture's fix, and ``(3, H, 4)`` read alike)."""
    check_tensor(item)
    values = item.detach().cpu()
    return (values.permute(1, 2, 0) if values.dim() == 3 else values).numpy()


def _check_high_bit_scale(img) -> None:
    """Refuse a Pillow image made in memory (not opened from a file) in mode ``I`` or ``I;16`` whose
    values all lie in 0..255: ``convert("I")`` of an 8-bit picture gives one, and the 16-bit scale such
    files are read on (``round(v / 257)``) made it black without a word. A file's values are its own."""
    if img.mode not in HIGH_BIT_MODES or getattr(img, "format", None):
        return
    lo, hi = img.getextrema()
    if lo >= 0 and 0 < hi <= 255:
        raise RnnkitError(
            f"a Pillow image of mode {img.mode} with values in 0..255 would be read as black on the 16-bit "
            "scale a 16-bit file is read on (round(v / 257)): pass img.convert('L') for 8-bit values"
        )


def from_memory(item: object, size: int, channels_known: bool = False) -> np.ndarray:
    """A Pillow image or an array (:func:`array_image`, ``channels_known`` for a tensor's) as
    ``(3, size, size)`` uint8, converted as a file of it would be (:func:`rnnkit.caption.images.to_rgb`)."""
    from PIL import Image

    if isinstance(item, np.ndarray):
        array = array_image(item, channels_known)
        if array.ndim == 3 and array.shape[2] == 1:
            array = array[:, :, 0]  # one channel: grayscale, as (H, W)
        item = Image.fromarray(np.ascontiguousarray(array))
    shown = getattr(item, "filename", "") or "image"  # an image opened from a file is named by it
    check_side(item.size, shown)  # type: ignore[attr-defined]
    try:
        _check_high_bit_scale(item)
        rgb = to_rgb(item, size, shown)  # Image.open reads pixels lazily: a truncated file fails only here
    except RnnkitError:  # said whole (a float image of 0..1): a ValueError, but not Pillow's
        raise
    except (OSError, ValueError, SyntaxError) as exc:  # and a closed image ("Operation on closed image")
        why = " ".join(str(exc).split())  # one line, whatever Pillow's message holds
        raise RnnkitError(f"unreadable image {shown} ({exc.__class__.__name__}: {why})") from None
    except AssertionError:  # Pillow asserts its file is open: an image used after its `with` block
        raise RnnkitError(
            f"unreadable image {shown} (its pixels were never loaded and its file is closed: call .load() "
            "inside the `with` block, or describe the path)"
        ) from None
    return np.asarray(rgb, dtype=np.uint8).transpose(2, 0, 1).copy()
