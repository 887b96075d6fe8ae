"""utils.hub: a Hub id downloads the files of a model folder, not the whole repository (no network here:
``huggingface_hub.snapshot_download`` and ``HfApi`` are replaced by a repository held in memory,
:mod:`helpers_hub`, and the library's own pattern matching, ``filter_repo_objects``, decides what a
pattern fetches)."""

from __future__ import annotations

import glob
import json
import shutil
from pathlib import Path

import pytest

huggingface_hub = pytest.importorskip(
    "huggingface_hub", reason="huggingface_hub is not installed (hub extra)"
)

from helpers_hub import COMMIT, CONFIGS, FakeHub, fake_hub  # noqa: E402
from huggingface_hub.utils import OfflineModeIsEnabled, filter_repo_objects  # noqa: E402

from rnnkit.translate.translator import SHIPPED, Translator  # noqa: E402
from rnnkit.utils.errors import RnnkitError  # noqa: E402
from rnnkit.utils.hub import folder_files, model_dir  # noqa: E402

BASE = ["config.json", "model.safetensors", "README.md", "provenance.json", ".rnnkit"]


def _hub(monkeypatch, tmp_path, files: dict[str, bytes]) -> FakeHub:
    return fake_hub(monkeypatch, tmp_path, files)


def _shipped_translator() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in SHIPPED.iterdir() if p.is_file()}


def _config(**fields) -> bytes:
    return json.dumps({"application": "translate", **fields}).encode()


def test_a_hub_model_downloads_its_folder_not_what_lies_beside_it(monkeypatch, tmp_path):
    """QA: ``snapshot_download`` was called with no patterns, so ``from_pretrained("owner/name")``
    downloaded everything in the repository: its checkpoints, its data, a 10 GB file beside the model."""
    model = _shipped_translator()
    beside = {
        "huge.bin": b"\0" * 1000,  # stands for the 10 GB file
        "checkpoints/last.safetensors": b"x",
        "data/train.en": b"hello\n",
        "notes.txt": b"notes",
    }
    hub = _hub(monkeypatch, tmp_path, {**model, **beside})
    assert model_dir("someone/rnnkit-en-ko", revision="v1") == hub.snapshot
    assert hub.fetched() == sorted(model)  # config, weights, card and both tokenizers; nothing else
    assert hub.patterns() == [CONFIGS, [*BASE, "src.spm", "tgt.spm"]]
    assert all(call["library_name"] == "rnnkit" for call in hub.calls)
    # the branch asked for gives the config; the folder's files come from the commit whose config was read
    assert [call["revision"] for call in hub.calls] == ["v1", COMMIT]
    assert [ask["revision"] for ask in hub.asked] == ["v1", COMMIT]  # each download sized first
    tr = Translator.from_pretrained("someone/rnnkit-en-ko", device="cpu")  # nothing it needs is missing
    assert tr.translate(["I am a student."])[0]
    assert hub.patterns()[2:] == [CONFIGS]  # the cached copy of the commit is whole: no second call


def test_a_run_folder_on_the_hub_gives_its_model_and_leaves_its_checkpoints(monkeypatch, tmp_path):
    """A training command's run folder uploaded whole: the model in ``model/``, checkpoints beside."""
    model = {f"model/{name}": data for name, data in _shipped_translator().items()}
    run = {"checkpoints/epoch1.safetensors": b"x" * 100, "run.json": b"{}", "metrics.csv": b"epoch\n"}
    hub = _hub(monkeypatch, tmp_path, {**model, **run})
    assert model_dir("someone/en-ko-run") == hub.snapshot / "model"
    assert hub.fetched() == sorted(model)
    assert hub.patterns()[1] == [f"model/{name}" for name in (*BASE, "src.spm", "tgt.spm")]


def test_extra_file_names_are_matched_as_names_never_as_patterns(tmp_path):
    """A hostile config can list any name: ``*`` or ``[a-z]*`` would match every file, a path would
    reach into another folder. Only plain names are fetched, and each matches itself alone."""
    config = tmp_path / "config.json"
    names = ["*", "[a-z]*", "tok?.spm", "../secret", "sub/file", ".env", "a\\b", "", "vocab.json"]
    config.write_bytes(_config(file_sha256={n: "0" * 64 for n in names}))
    listed = folder_files(config, "someone/model")
    assert listed == [*BASE, "*", "[a-z]*", "tok?.spm", "vocab.json"]
    repo = {name: b"" for name in ("*", "[a-z]*", "tok?.spm", "tokA.spm", "vocab.json", "weights.bin", "big")}
    chosen = filter_repo_objects(repo, allow_patterns=[glob.escape(n) for n in listed])
    assert sorted(chosen) == sorted(["*", "[a-z]*", "tok?.spm", "vocab.json"])


def test_the_patterns_sent_escape_a_listed_star(monkeypatch, tmp_path):
    config = _config(file_sha256={"*": "0" * 64})
    hub = _hub(monkeypatch, tmp_path, {"config.json": config, "model.safetensors": b"w", "huge.bin": b"h"})
    model_dir("someone/model")
    assert hub.fetched() == ["config.json", "model.safetensors"]
    assert "[*]" in hub.patterns()[1] and "*" not in hub.patterns()[1]


@pytest.mark.parametrize("listed", [{}, "src.spm", None])
def test_a_config_listing_no_extra_files_fetches_the_base_files(monkeypatch, tmp_path, listed):
    """The loader's schema, not the download, says what is wrong with a file_sha256 that is no object."""
    files = {"config.json": _config(file_sha256=listed), "model.safetensors": b"w", "huge.bin": b"h"}
    hub = _hub(monkeypatch, tmp_path, files)
    model_dir("someone/model")
    assert hub.patterns() == [CONFIGS, BASE]
    assert hub.fetched() == ["config.json", "model.safetensors"]


@pytest.mark.parametrize(
    "config", [b"[1, 2]", b'{"model_type": "llama", "hidden_size": 4096}', b'{"application": 3}']
)
def test_another_librarys_model_is_refused_before_its_weights_are_fetched(monkeypatch, tmp_path, config):
    """QA: a transformers model's repository holds config.json and a model.safetensors of many GB too;
    it was downloaded whole before the loader said the config names no application."""
    hub = _hub(monkeypatch, tmp_path, {"config.json": config, "model.safetensors": b"\0" * 1000})
    with pytest.raises(RnnkitError) as caught:
        model_dir("someone/llm")
    assert str(caught.value) == (
        "the Hugging Face Hub repository someone/llm is not an rnnkit model folder: its config.json names no "
        "application (a model of another library?)"
    )
    assert hub.fetched() == ["config.json"] and hub.patterns() == [CONFIGS]


@pytest.mark.parametrize(
    ("config", "said"),
    [
        (b"{not json", "is not valid JSON"),
        (b'{"application": "translate", "a": 1, "a": 2}', "the key 'a' twice"),
    ],
)
def test_a_config_that_is_not_json_is_named_as_the_loader_names_it(monkeypatch, tmp_path, config, said):
    hub = _hub(monkeypatch, tmp_path, {"config.json": config, "model.safetensors": b"\0" * 1000})
    with pytest.raises(RnnkitError) as caught:
        model_dir("someone/model")
    message = str(caught.value)
    assert message.startswith(str(hub.snapshot / "config.json")) and said in message and "\n" not in message
    assert hub.fetched() == ["config.json"]


def test_a_repository_without_a_config_is_one_line_and_downloads_nothing(monkeypatch, tmp_path):
    """QA: a repository that is no rnnkit model (someone's 10 GB language model) was downloaded whole
    before the loader said config.json is missing."""
    hub = _hub(monkeypatch, tmp_path, {"pytorch_model.bin": b"\0" * 1000, "README.md": b"# LLM"})
    with pytest.raises(RnnkitError) as caught:
        model_dir("someone/llm")
    assert str(caught.value) == (
        f"no folder someone/llm here (from {tmp_path}), and the Hugging Face Hub repository someone/llm is not "
        "an rnnkit model folder: it holds no config.json (nor model/config.json)"
    )
    assert hub.fetched() == [] and hub.patterns() == [CONFIGS]


def test_offline_without_a_cached_copy_is_one_line(monkeypatch, tmp_path):
    hub = _hub(monkeypatch, tmp_path, {})
    hub.hub_error = OfflineModeIsEnabled("Cannot reach https://huggingface.co/api: offline mode is enabled.")
    with pytest.raises(
        RnnkitError,
        match=r"^no folder someone/model here .*: the Hub cannot be reached "
        r"\(Cannot reach .* offline mode is enabled\.\) and no copy of someone/model is in the cache$",
    ):
        model_dir("someone/model")


def test_a_local_folder_still_wins_and_touches_no_hub(monkeypatch, tmp_path):
    hub = _hub(monkeypatch, tmp_path, {})
    shutil.copytree(SHIPPED, tmp_path / "someone" / "m")
    assert model_dir("someone/m") == Path("someone/m") and hub.calls == []
