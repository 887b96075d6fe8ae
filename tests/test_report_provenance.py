"""Session 22 QA of the report's header: the device line says what the run computed on."""

from __future__ import annotations

import torch

from rnnkit.report import provenance


def test_the_header_says_which_device_auto_chose(monkeypatch):
    """'device: auto' did not say whether the demo's times and numbers came from a CPU or a GPU."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert provenance(["rnnkit", "demo"], device="auto")["device"] == "auto (cpu)"
    assert provenance(["rnnkit", "demo"], device="cpu")["device"] == "cpu"


def test_the_header_names_the_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: "NVIDIA H100 80GB HBM3")
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)  # cuda:0 exists (resolve_device counts them)
    assert provenance(["rnnkit", "demo"], device="auto")["device"] == "auto (cuda, NVIDIA H100 80GB HBM3)"
    assert provenance(["rnnkit", "demo"], device="cuda:0")["device"] == "cuda:0, NVIDIA H100 80GB HBM3"


def test_a_device_that_cannot_be_had_is_shown_as_asked(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert provenance(["rnnkit", "demo"], device="cuda")["device"] == "cuda"
