"""utils.hub: each file of a Hub model folder is sized before it is downloaded, and one over the limit
rnnkit applies to a local folder's files is refused in one line, nothing of it fetched (no network here:
the repository is held in memory by :mod:`helpers_hub`, which reports a claimed size for a large file
instead of writing it)."""

from __future__ import annotations

import json
import shutil
from types import SimpleNamespace

import pytest

huggingface_hub = pytest.importorskip(
    "huggingface_hub", reason="huggingface_hub is not installed (hub extra)"
)

from helpers_hub import COMMIT, CONFIGS, fake_hub  # noqa: E402
from huggingface_hub.hf_api import RepoFile  # noqa: E402
from huggingface_hub.utils import (  # noqa: E402
    GatedRepoError,
    OfflineModeIsEnabled,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

from rnnkit.train import modelfile  # noqa: E402
from rnnkit.translate.translator import SHIPPED  # noqa: E402
from rnnkit.utils.errors import RnnkitError  # noqa: E402
from rnnkit.utils.hub import MAX_FILE_BYTES, MAX_FOLDER_BYTES, _refuse_large, model_dir  # noqa: E402
from rnnkit.utils.limits import MAX_EXTRA_FILE_BYTES  # noqa: E402
from rnnkit.utils.model_size import config_file_bytes  # noqa: E402
from rnnkit.utils.schema import MAX_JSON_BYTES  # noqa: E402

GB = 2**30
ADVICE = "refused before downloading; if you trust it, download the repository yourself and load its folder"


def _shipped() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in SHIPPED.iterdir() if p.is_file()}


def test_the_limit_is_the_one_a_local_model_folder_has():
    """One constant (rnnkit.utils.limits) for the Hub and the loader; read_json reads as much of a JSON."""
    assert MAX_FILE_BYTES is MAX_EXTRA_FILE_BYTES is modelfile.MAX_EXTRA_FILE_BYTES
    assert MAX_JSON_BYTES == MAX_FILE_BYTES and MAX_FOLDER_BYTES == 2 * MAX_FILE_BYTES


def test_a_20_gb_weights_file_is_refused_before_it_is_downloaded(monkeypatch, tmp_path):
    """QA: a hostile repository's 20 GB model.safetensors was downloaded whole before rnnkit's own checks
    ran on the local copy."""
    hub = fake_hub(monkeypatch, tmp_path, _shipped(), sizes={"model.safetensors": 20 * GB})
    with pytest.raises(RnnkitError) as caught:
        model_dir("someone/huge")
    implied = config_file_bytes(json.loads((SHIPPED / "config.json").read_bytes()))
    assert str(caught.value) == (
        "the Hugging Face Hub repository someone/huge holds model.safetensors of 20,480 MB, more than the "
        f"{implied / 2**20:,.0f} MB the model its config.json describes takes: {ADVICE}"
    )
    assert hub.fetched() == ["config.json"] and hub.patterns() == [CONFIGS]  # the weights never asked for
    assert hub.asked[1]["paths"][:2] == ["config.json", "model.safetensors"]


def _big_translator() -> dict[str, bytes]:
    """The shipped translator's folder with the config of a large model (hidden 4096, 16 layers)."""
    files = _shipped()
    config = json.loads(files["config.json"])
    config.pop("ensemble")
    config["model"].update(hidden_size=4096, num_layers=16, embed_size=1024)
    return {**files, "config.json": json.dumps(config).encode()}


def test_a_large_models_weights_are_sized_by_its_config_not_the_flat_limit(monkeypatch, tmp_path):
    """Hidden 4096 x 16 layers is GBs of legitimate weights: the flat 512 MB refused them."""
    files = _big_translator()
    implied = config_file_bytes(json.loads(files["config.json"]))
    assert implied > 8 * GB
    hub = fake_hub(monkeypatch, tmp_path, files, sizes={"model.safetensors": 8 * GB})
    assert model_dir("someone/big") == hub.snapshot
    assert "model.safetensors" in hub.fetched()
    (tmp_path / "again").mkdir()
    hub = fake_hub(monkeypatch, tmp_path / "again", files, sizes={"model.safetensors": implied + 1})
    with pytest.raises(
        RnnkitError, match=r"model\.safetensors of [\d,]+ MB, more than the [\d,]+ MB the model"
    ):
        model_dir("someone/big")
    assert hub.fetched() == ["config.json"]


def test_a_run_folders_weights_are_sized_by_its_models_config(monkeypatch, tmp_path):
    files = {f"model/{name}": data for name, data in _big_translator().items()}
    hub = fake_hub(monkeypatch, tmp_path, files, sizes={"model/model.safetensors": 8 * GB})
    assert model_dir("someone/run") == hub.snapshot / "model"
    assert "model/model.safetensors" in hub.fetched()


def test_an_unknown_applications_weights_keep_the_flat_limit(monkeypatch, tmp_path):
    """A config rnnkit cannot size (an application it does not know) implies nothing: 512 MB at most."""
    files = {"config.json": b'{"application": "other"}', "model.safetensors": b"w"}
    hub = fake_hub(monkeypatch, tmp_path, files, sizes={"model.safetensors": MAX_FILE_BYTES + 1})
    with pytest.raises(RnnkitError, match=r"more than the 512 MB rnnkit downloads as one file"):
        model_dir("someone/other")
    assert hub.fetched() == ["config.json"]


def test_a_run_folders_large_tokenizer_is_named_by_its_path(monkeypatch, tmp_path):
    files = {f"model/{name}": data for name, data in _shipped().items()}
    hub = fake_hub(monkeypatch, tmp_path, files, sizes={"model/src.spm": 2 * GB})
    with pytest.raises(
        RnnkitError, match=r"^the Hugging Face .* holds model/src\.spm of 2,048 MB, more than"
    ):
        model_dir("someone/run")
    assert hub.fetched() == ["model/config.json"]


def test_a_large_config_is_refused_before_the_first_download(monkeypatch, tmp_path):
    hub = fake_hub(monkeypatch, tmp_path, {"model/config.json": b"{}"}, sizes={"model/config.json": GB})
    with pytest.raises(RnnkitError, match=r"holds model/config\.json of 1,024 MB, more than the 512 MB"):
        model_dir("someone/model")
    assert hub.calls == [] and hub.asked[0]["paths"] == CONFIGS


def test_files_each_under_the_limit_are_refused_together_over_twice_it(monkeypatch, tmp_path):
    """A hostile config may list a thousand extra files (its schema allows that many), each just under
    the limit: half a terabyte of tokenizers."""
    extra = [f"tok{i}.spm" for i in range(3)]
    config = json.dumps({"application": "translate", "file_sha256": {n: "0" * 64 for n in extra}}).encode()
    files = {"config.json": config, "model.safetensors": b"w", **{n: b"t" for n in extra}}
    hub = fake_hub(monkeypatch, tmp_path, files, sizes={n: 400 * 2**20 for n in extra})
    with pytest.raises(RnnkitError) as caught:
        model_dir("someone/many")
    assert str(caught.value).startswith(
        "the Hugging Face Hub repository someone/many holds a model folder of 1,200 MB in 5 files, more than "
        "the 1,024 MB rnnkit downloads as one model: refused"
    )
    assert hub.fetched() == ["config.json"]


def test_a_file_at_the_limit_and_a_huge_file_beside_the_model_are_fine(monkeypatch, tmp_path):
    files = {**_shipped(), "huge.bin": b"h"}
    hub = fake_hub(monkeypatch, tmp_path, files, sizes={"src.spm": MAX_FILE_BYTES, "huge.bin": 20 * GB})
    assert model_dir("someone/rnnkit-en-ko") == hub.snapshot
    assert "src.spm" in hub.fetched() and "huge.bin" not in hub.fetched()
    assert all("huge.bin" not in ask["paths"] for ask in hub.asked)  # only the folder's files are sized


def test_an_lfs_files_size_is_its_contents_not_its_pointers():
    """Should the Hub give an LFS file's size as its 134-byte pointer's, its content's size still counts."""
    entry = RepoFile(
        path="model.safetensors",
        size=134,
        oid="1" * 40,
        lfs={"size": 20 * GB, "oid": "0", "pointerSize": 134},
    )
    api = SimpleNamespace(get_paths_info=lambda repo_id, paths, revision=None: [entry])
    with pytest.raises(RnnkitError, match="holds model.safetensors of 20,480 MB"):
        _refuse_large(api, "someone/model", COMMIT, ["model.safetensors"])


def test_offline_a_whole_cached_copy_is_used_and_nothing_is_downloaded(monkeypatch, tmp_path):
    hub = fake_hub(monkeypatch, tmp_path, {})
    shutil.copytree(SHIPPED, hub.snapshot)  # downloaded on an earlier day
    hub.hub_error = OfflineModeIsEnabled("Cannot reach https://huggingface.co/api: offline mode is enabled.")
    assert model_dir("someone/rnnkit-en-ko") == hub.snapshot
    assert [call["local_files_only"] for call in hub.calls] == [True]


def test_offline_a_cached_config_without_its_weights_is_one_line(monkeypatch, tmp_path):
    """The Hub cannot size the weights, so they are not downloaded unsized."""
    hub = fake_hub(monkeypatch, tmp_path, {})
    hub.snapshot.mkdir(parents=True)
    (hub.snapshot / "config.json").write_bytes(b'{"application": "translate"}')
    hub.hub_error = OfflineModeIsEnabled("Cannot reach https://huggingface.co/api: offline mode is enabled.")
    with pytest.raises(
        RnnkitError,
        match=r"^no folder someone/model here .*: the Hub cannot be reached "
        r"\(Cannot reach .* enabled\.\) and "
        r"the cached copy of someone/model lacks model\.safetensors$",
    ):
        model_dir("someone/model")
    assert [call["local_files_only"] for call in hub.calls] == [True]


def _http(cls, message: str):
    response = SimpleNamespace(headers={}, request=None, status_code=404)
    return cls(
        message + "\n\nRepository Not Found for url: https://huggingface.co/api/models/someone/model.",
        response=response,
    )


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (_http(RepositoryNotFoundError, "404 Client Error. (Request ID: Root=1-abc)"),
         "no such repository on the Hub (or a private one, and you are not logged in with access to it)"),
        (_http(GatedRepoError, "401 Client Error. (Request ID: Root=1-abc)"),
         "the repository is gated: accept its conditions on its Hub page, then log in to the Hub here "
         "(HF_TOKEN, or a saved login)"),
        (_http(RevisionNotFoundError, "404 Client Error. (Request ID: Root=1-abc)"),
         "the repository has no revision 'v9'"),
    ],
)  # fmt: skip
def test_a_missing_gated_or_unknown_revision_repository_is_one_line_in_words(
    monkeypatch, tmp_path, error, said
):
    """The first line of the Hub's 404 names only its status and a request id."""
    hub = fake_hub(monkeypatch, tmp_path, {})
    hub.hub_error = error
    with pytest.raises(RnnkitError) as caught:
        model_dir("someone/model", revision="v9")
    assert str(caught.value) == (
        f"no folder someone/model here (from {tmp_path}), and the Hugging Face Hub did not give it as a "
        f"model id: {said}"
    )
    assert hub.fetched() == []
