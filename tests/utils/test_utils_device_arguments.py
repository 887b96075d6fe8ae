"""What torch users pass as a device and a model's folder (QA, session 23): a ``torch.device``, None and an
int are devices as torch reads them; anything else, and a folder that is not a str or path, is a one-line
``TypeError`` that is also an ``RnnkitError``, naming the argument."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import rnnkit
from helpers_models import make_caption, make_explain, make_translate
from rnnkit.caption import Captioner
from rnnkit.forecast import Forecaster
from rnnkit.translate import Translator
from rnnkit.utils.device import device_name, resolve_device
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.hub import model_dir


@pytest.mark.parametrize("device", [torch.device("cpu"), None, "cpu"])
def test_a_torch_device_or_none_loads_a_translator(tmp_path, device):
    # was: AttributeError: 'torch.device' object has no attribute 'startswith'
    translator = Translator.from_pretrained(make_translate(tmp_path / "m"), device=device)
    assert next(translator.model.parameters()).device == torch.device("cpu")


@pytest.mark.parametrize("make", [make_translate, make_caption, make_explain])
def test_rnnkit_load_takes_a_torch_device(tmp_path, make):
    model = rnnkit.load(make(tmp_path / "m"), device=torch.device("cpu"))
    module = model if isinstance(model, torch.nn.Module) else model.model
    assert next(module.parameters()).device == torch.device("cpu")


def test_none_is_auto_and_a_torch_device_is_itself():
    assert resolve_device(None) == resolve_device("auto")
    assert resolve_device(torch.device("cpu")) == torch.device("cpu")
    assert device_name(torch.device("cuda", 1)) == "cuda:1" and device_name(None) == "auto"


def test_a_cpu_torch_device_with_an_index_is_the_cpu():
    """torch.device("cpu", 0) is a device torch takes (its index names no other CPU); it was 'unknown
    device 'cpu:0'', from the Python API and from a Forecaster alike."""
    assert device_name(torch.device("cpu", 0)) == "cpu"
    assert resolve_device(torch.device("cpu", 0)) == torch.device("cpu")
    assert Forecaster(device=torch.device("cpu", 0)).device == "cpu"


def test_an_int_is_a_cuda_index_as_torch_reads_it(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    for name in ("RANK", "LOCAL_RANK", "WORLD_SIZE"):
        monkeypatch.delenv(name, raising=False)
    assert resolve_device(1) == torch.device("cuda", 1)  # torch.device(1): the accelerator, here CUDA
    assert resolve_device(torch.device("cuda", 0)) == torch.device("cuda", 0)
    assert resolve_device(np.int64(1)) == torch.device(
        "cuda", 1
    )  # numpy's ints are ints (an index read from an array)
    # a GPU the machine lacks: one line now, not torch's "invalid device ordinal" at the first .to()
    with pytest.raises(RnnkitError, match=r"'cuda:5' was asked for, but this machine has 2 CUDA GPU\(s\)"):
        resolve_device(5)


def test_an_int_without_a_gpu_says_there_is_none(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RnnkitError, match="no CUDA GPU is available"):
        resolve_device(0)


@pytest.mark.parametrize("device, needle", [(1.5, "not float"), (True, "not bool"), (["cpu"], "not list")])
def test_another_type_is_a_type_error_naming_device(device, needle):
    with pytest.raises(TypeError, match=f"^device must be .*{needle}$") as caught:
        resolve_device(device)
    assert isinstance(caught.value, RnnkitError) and "\n" not in str(caught.value)


@pytest.mark.parametrize("device", ["cudax", "cuda:one", -1, torch.device("meta")])
def test_a_malformed_device_is_one_line(monkeypatch, device):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)  # the name is read before the GPU asked
    with pytest.raises(RnnkitError) as caught:  # 'cudax' was torch's multi-line RuntimeError
        resolve_device(device)
    assert "\n" not in str(caught.value) and not isinstance(caught.value, TypeError)


@pytest.mark.parametrize("load", [Forecaster.from_pretrained, Captioner.from_pretrained, model_dir])
@pytest.mark.parametrize("folder, kind", [(None, "NoneType"), (3, "int")])
def test_a_folder_that_is_no_str_or_path_names_the_argument(load, folder, kind):
    # was Python's "expected str, bytes or os.PathLike object, not NoneType"
    with pytest.raises(TypeError, match=f"^name_or_path must be a model folder .* not {kind}$") as caught:
        load(folder)
    assert isinstance(caught.value, RnnkitError)
