"""``--config FILE`` (rnnkit.utils.options.config_option) and the one vocabulary of setting names
(rnnkit.utils.config_keys): values from the file, explicit flags winning, one-line errors."""

from __future__ import annotations

import codecs
import gzip
import json

import click
import pytest
from click.testing import CliRunner

from rnnkit.utils.config_keys import option_name, renamed_keys
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.limits import bound_options
from rnnkit.utils.options import cell_option, config_option, progress_option, size_options, split_options


def _from_model(config: dict) -> dict:
    return {**config["model"], "seed": 9}


@click.command()
@cell_option("lstm", ("rnn", "lstm", "gru"))
@size_options(hidden_size=8, num_layers=1)
@split_options(val=0.1, test=0.2)
@progress_option()
@click.option("--seed", type=int, default=0, help="Random seed.")
@click.option("--note", default=None, help="Free text.")
@config_option(_from_model)
def show(**kw) -> None:
    click.echo(json.dumps(kw, sort_keys=True))


bound_options(show)


def _run(*args: str) -> dict:
    result = CliRunner().invoke(show, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_values_come_from_the_file_and_flags_win(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("cell: gru\nhidden_size: 64\nnum-layers: 2\nval: 0.25\nprogress: false\nnote: null\n")
    got = _run("--config", str(cfg))
    assert got["cell"] == "gru" and got["hidden_size"] == 64 and got["num_layers"] == 2
    assert got["val"] == 0.25 and got["test"] == 0.2 and got["show_progress"] is False and got["note"] is None
    got = _run("--hidden-size", "32", "--config", str(cfg), "--cell", "rnn")  # flags win, wherever they stand
    assert got["hidden_size"] == 32 and got["cell"] == "rnn" and got["num_layers"] == 2


def test_json_files_and_old_names(tmp_path):
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"hidden": 12, "layers": 3, "valid_frac": 0.3, "test_frac": 0.1}))
    got = _run("--config", str(cfg))
    assert (got["hidden_size"], got["num_layers"], got["val"], got["test"]) == (12, 3, 0.3, 0.1)


def test_a_model_config_json_gives_the_settings_that_trained_it(tmp_path):
    cfg = tmp_path / "config.json"
    model = {"cell": "gru", "hidden_size": 24, "src_vocab": 100}  # src_vocab is no option: left out
    cfg.write_text(json.dumps({"application": "x", "format_version": 1, "model": model}))
    got = _run("--config", str(cfg))
    assert got["cell"] == "gru" and got["hidden_size"] == 24 and got["seed"] == 9
    assert _run("--config", str(tmp_path)) == got  # the model folder itself


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("hidden_size: 64\ncolour: red\n", ["c.yaml", "unknown field 'colour'"]),
        ("hidden_size: sixty\n", ["c.yaml", 'hidden_size must be an integer in 1..4096, got "sixty"']),
        (
            "hidden_size: true\n",
            ["c.yaml: hidden_size must be an integer in 1..4096, got true"],
        ),  # not 64-bit
        ("hidden_size: [1, 2]\n", ["hidden_size must be an integer"]),
        ("cell: transformer\n", ["cell must be one of rnn, lstm"]),
        ("hidden_size: 100000000\n", ["c.yaml: hidden_size must be <= 4096"]),  # the option's own range
        ("progress: 3\n", ["show_progress must be true or false"]),
        ("- a list\n", ["settings must be a mapping"]),
        ("key: [unclosed\n", ["not valid YAML or JSON"]),
    ],
)
def test_bad_files_are_one_line(tmp_path, text, needles):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(text)
    result = CliRunner().invoke(show, ["--config", str(cfg)])
    assert result.exit_code != 0
    message = str(result.exception) if isinstance(result.exception, RnnkitError) else result.output
    for needle in needles:
        assert needle in message, message


def test_renamed_keys_and_option_names():
    assert renamed_keys({"hidden": 4, "layers": 2, "embed_dim": 8, "cell": "gru"}) == {
        "cell": "gru", "hidden_size": 4, "num_layers": 2, "embed_size": 8,
    }  # fmt: skip
    assert renamed_keys({"hidden": 4, "hidden_size": 5}) == {"hidden_size": 5}  # the new name wins
    assert option_name("hidden_size") == "--hidden-size"


def test_a_file_sets_threads_too(tmp_path):
    from rnnkit.utils.options import threads_option
    from rnnkit.utils.threads import resolve_threads

    @click.command()
    @threads_option()
    @config_option()
    def seen() -> None:
        click.echo(resolve_threads())

    cfg = tmp_path / "c.yaml"
    cfg.write_text("threads: 3\n")
    assert CliRunner().invoke(seen, ["--config", str(cfg)]).output == "3\n"
    assert CliRunner().invoke(seen, ["--config", str(cfg), "--threads", "2"]).output == "2\n"


@pytest.mark.parametrize(
    ("group", "command", "text", "key", "want"),
    [
        (
            "forecast",
            "train",
            "quantiles: [0.1, 0.5, 0.95]\nfeatures: [Open, Volume]\n",
            "quantiles",
            "0.1,0.5,0.95",
        ),
        ("forecast", "train", "features: [Open, Volume]\n", "features", "Open,Volume"),
        ("forecast", "train", "quantiles: '0.2,0.8'\n", "quantiles", "0.2,0.8"),
        ("explain", "memory", "cells: [rnn, gru]\nlengths: [20, 40]\n", "lengths", "20,40"),
        ("explain", "gradient-flow", "cells: [rnn, gru]\n", "cells", "rnn,gru"),
    ],
)
def test_a_comma_list_option_may_be_written_as_a_list(tmp_path, group, command, text, key, want):
    """quantiles: [0.1, 0.5, 0.95] in a YAML file is what --quantiles 0.1,0.5,0.95 is on the command line."""
    from rnnkit.cli import root
    from rnnkit.utils.settings_file import read_settings

    cmd = root.get_command(None, group).get_command(None, command)
    cfg = tmp_path / "c.yaml"
    cfg.write_text(text)
    assert read_settings(cfg, cmd)[key] == want


@pytest.mark.parametrize("value", ["[]", "[[0.1]]", "[true]", "{a: 1}"])
def test_a_comma_list_written_wrong_is_one_line(tmp_path, value):
    from rnnkit.cli import root
    from rnnkit.utils.settings_file import read_settings

    cmd = root.get_command(None, "forecast").get_command(None, "train")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"quantiles: {value}\n")
    with pytest.raises(RnnkitError, match="quantiles must be a comma-separated string or a non-empty list"):
        read_settings(cfg, cmd)


# Empty files ------------------------------------------------------------------------------------------
# YAML reads an empty file as null ("got NoneType") and JSON says "Expecting value": neither says it is empty.
_NO_SETTINGS = [
    ("", "is empty"),
    ("\n  \n\t\n", "is empty"),
    ("\ufeff\n", "is empty"),  # Notepad's byte-order mark and nothing else
    ("# hidden_size: 64\n\n# cell: gru\n", "holds only comments"),
]


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
@pytest.mark.parametrize(("text", "what"), _NO_SETTINGS)
def test_a_file_with_no_settings_says_it_is_empty(tmp_path, suffix, text, what):
    cfg = tmp_path / f"c{suffix}"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(RnnkitError) as exc:
        CliRunner().invoke(show, ["--config", str(cfg)], standalone_mode=False, catch_exceptions=False)
    message = str(exc.value)
    assert message.startswith(f"{cfg} {what}: a settings file holds "), message
    assert "NoneType" not in message and "Expecting value" not in message and "\n" not in message
    assert ("JSON object" in message) == (suffix == ".json")  # what a file of its format holds
    assert "hidden_size: 64" in message or '"hidden_size": 64' in message


@pytest.mark.parametrize("command", ["caption train", "explain gates", "explain gradient-flow",
                                     "explain memory", "forecast train", "translate train"])  # fmt: skip
def test_every_config_option_says_an_empty_file_is_empty(tmp_path, command, one_line_error):
    from rnnkit.cli import main

    cfg = tmp_path / "c.yaml"
    cfg.write_text("# nothing yet\n")
    assert main([*command.split(), "--config", str(cfg), "--out", str(tmp_path / "out")]) == 2
    one_line_error(f"{cfg} holds only comments: a settings file holds one option per line as name: value")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("text", "kind"), [("~\n", "null"), ("- a\n", "a list"), ("seven\n", "a string")])
def test_a_file_of_no_mapping_names_what_it_holds_in_yaml_words(tmp_path, text, kind):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(text)
    with pytest.raises(RnnkitError, match=f"settings must be a mapping of names to values, got {kind}; "):
        CliRunner().invoke(show, ["--config", str(cfg)], standalone_mode=False, catch_exceptions=False)


# A setting written twice ------------------------------------------------------------------------------
# YAML and JSON readers keep the last one silently; the first may be the one meant.
@pytest.mark.parametrize(
    ("name", "text", "places"),
    [
        ("c.yaml", "hidden_size: 8\ncell: gru\nhidden_size: 16\n", " (lines 1 and 3)"),
        ("c.yaml", "hidden-size: 8\nhidden_size: 16\n", " (hidden-size on line 1 and hidden_size on line 2)"),
        ("c.json", '{"hidden_size": 8, "hidden_size": 16}', ""),
        ("c.json", '{"hidden-size": 8, "cell": "gru", "hidden_size": 16}', " (hidden-size and hidden_size)"),
    ],
)
def test_a_setting_written_twice_is_refused(tmp_path, name, text, places):
    cfg = tmp_path / name
    cfg.write_text(text)
    with pytest.raises(RnnkitError) as exc:
        CliRunner().invoke(show, ["--config", str(cfg)], standalone_mode=False, catch_exceptions=False)
    assert str(exc.value) == f"{cfg} sets hidden_size twice{places}: keep the one you mean"


def test_the_same_key_in_nested_values_is_no_repeat(tmp_path):
    cfg = tmp_path / "c.json"
    cfg.write_text('{"hidden_size": 8, "note": null}')
    assert _run("--config", str(cfg))["hidden_size"] == 8


# A file rnnkit wrote beside a model, given for its config.json ----------------------------------------
@pytest.fixture
def run(tmp_path):
    import torch

    from rnnkit.train.modelfile import save_model

    run = tmp_path / "run"
    save_model(run / "model", {"w": torch.zeros(1)}, {"application": "x", "model": {"hidden_size": 24}})
    (run / "run.json").write_text(json.dumps({"settings": {"hidden_size": 24}, "state": {}}))
    (run / "plot.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return run


def test_a_run_folders_file_points_to_the_run_folder(run):
    with pytest.raises(RnnkitError) as exc:
        CliRunner().invoke(
            show, ["--config", str(run / "run.json")], standalone_mode=False, catch_exceptions=False
        )
    message = str(exc.value)
    assert message.startswith(
        f"{run / 'run.json'}: has unknown field 'settings'; run.json lies in the run folder "
    )
    assert message.endswith(
        f"--config {run} trains with its model's settings ({run / 'model' / 'config.json'})"
    )
    assert _run("--config", str(run))["hidden_size"] == 24  # as it says


@pytest.mark.parametrize("name", ["model.safetensors", "README.md"])
def test_a_model_folders_file_points_to_the_model_folder(run, name):
    path = run / "model" / name
    with pytest.raises(RnnkitError) as exc:
        CliRunner().invoke(show, ["--config", str(path)], standalone_mode=False, catch_exceptions=False)
    model = run / "model"
    assert str(exc.value).endswith(
        f"; {name} lies in the model folder {model}: --config {model} trains with its settings (its config.json)"
    )


def test_a_binary_file_is_not_text(run, tmp_path):
    image = tmp_path / "photo.png"
    image.write_bytes((run / "plot.png").read_bytes())
    for path in (image, run / "plot.png"):
        with pytest.raises(RnnkitError) as exc:
            CliRunner().invoke(show, ["--config", str(path)], standalone_mode=False, catch_exceptions=False)
        assert str(exc.value).startswith(f"{path} is a PNG image, not text: give a text file")
        assert "codec" not in str(exc.value)
    assert str(exc.value).endswith(
        f"plot.png lies in the run folder {run}: --config {run} trains with its model's settings ({run / 'model' / 'config.json'})"
    )


# Another application's model --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("command", "model_app"),
    [("translate train", "forecast"), ("forecast train", "explain"), ("caption train", "translate"),
     ("explain memory", "forecast"), ("explain gates", "caption")],
)  # fmt: skip
def test_another_applications_model_is_refused(tmp_path, command, model_app, one_line_error):
    """translate train --config FORECAST/model/config.json trained a translator of translate's defaults
    (the forecast settings name few of its options); explain said the model had no training settings."""
    import torch

    from rnnkit.cli import main
    from rnnkit.train.modelfile import save_model

    save_model(tmp_path / "m", {"w": torch.zeros(1)}, {"application": model_app, "model": {"hidden_size": 4}})
    group, name = command.split()
    assert main([group, name, "--config", str(tmp_path / "m"), "--out", str(tmp_path / "out")]) == 2
    one_line_error(
        f"{tmp_path / 'm' / 'config.json'} is the config.json of {'an' if model_app == 'explain' else 'a'} "
        f"{model_app} model; {command} trains {'an' if group == 'explain' else 'a'} {group} model again only from"
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le"])
@pytest.mark.parametrize(("name", "text"), [("c.yaml", "hidden_size: 24\ncell: gru\n"),
                                            ("c.json", '{"hidden_size": 24, "cell": "gru"}')])  # fmt: skip
def test_a_settings_file_saved_as_unicode_in_notepad_reads_by_its_mark(tmp_path, encoding, name, text):
    """Notepad's "Unicode" is UTF-16 with a byte-order mark: it was "not a text file (byte 0)", while the
    corpus, --input, standard input and caption's text files are read by that mark (rnnkit.utils.byte_order)."""
    cfg = tmp_path / name
    cfg.write_bytes(("\ufeff" + text).encode(encoding))
    got = _run("--config", str(cfg))
    assert (got["hidden_size"], got["cell"]) == (24, "gru")


def test_a_broken_utf16_settings_file_names_its_encoding(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_bytes("\ufeffhidden_size: 8\n".encode("utf-16-le") + b"\x00\xd8")  # half a surrogate pair
    with pytest.raises(
        RnnkitError, match=r"c.yaml is not UTF-16 text \(byte \d+\), though it opens with its mark"
    ):
        CliRunner().invoke(show, ["--config", str(cfg)], standalone_mode=False, catch_exceptions=False)


def test_settings_come_from_a_pipe_as_from_a_file(tmp_path):
    # --config <(printf 'hidden_size: 64') said "config file not found: /dev/fd/63": only regular files
    import os
    import threading

    fifo = tmp_path / "settings"
    os.mkfifo(fifo)

    def write() -> None:
        with fifo.open("w") as out:
            out.write("hidden_size: 64\ncell: gru\n")

    writer = threading.Thread(target=write)
    writer.start()
    got = _run("--config", str(fifo))
    writer.join(timeout=10)
    assert got["hidden_size"] == 64 and got["cell"] == "gru"


def test_a_settings_file_larger_than_a_mebibyte_is_refused_unparsed(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * (1 << 20) + "\nhidden_size: 64\n")
    with pytest.raises(RnnkitError, match=r"big.yaml is larger than 1 MiB: not a settings file"):
        CliRunner().invoke(show, ["--config", str(big)], standalone_mode=False, catch_exceptions=False)


def test_a_run_folder_s_missing_config_json_is_named_where_it_is(tmp_path):
    """``--config runs/x/config.json``: a run folder keeps its model's config.json in model/; the error
    says so and how to name it (the README itself gave the wrong path)."""
    model = tmp_path / "run" / "model"
    model.mkdir(parents=True)
    model.joinpath("config.json").write_text(
        json.dumps({"application": "x", "format_version": 1, "model": {"cell": "gru"}})
    )
    model.joinpath("model.safetensors").write_bytes(b"")
    result = CliRunner().invoke(show, ["--config", str(tmp_path / "run" / "config.json")])
    assert isinstance(result.exception, RnnkitError)
    assert str(result.exception) == (
        f"config file not found: {tmp_path / 'run' / 'config.json'} (the run folder {tmp_path / 'run'} "
        f"keeps it in {model}; --config {tmp_path / 'run'} reads it)"
    )
    assert _run("--config", str(tmp_path / "run"))["cell"] == "gru"
    missing = CliRunner().invoke(show, ["--config", str(tmp_path / "nowhere" / "config.json")])
    assert str(missing.exception) == f"config file not found: {tmp_path / 'nowhere' / 'config.json'}"


@pytest.mark.parametrize("mark", [b"", b"\xef\xbb\xbf"])
def test_a_byte_not_utf8_is_named_by_its_line_and_its_place_in_the_file(tmp_path, mark):
    """Counted from the mark's end (utf-8-sig's count), the é at byte 22 was named byte 19; and a file
    in old Notepad's "ANSI" (a path with José in it) was "not a text file" with no line."""
    cfg = tmp_path / "c.yaml"
    cfg.write_bytes(mark + b"cell: gru\nnote: caf\xe9\n")
    with pytest.raises(RnnkitError) as exc:
        CliRunner().invoke(show, ["--config", str(cfg)], standalone_mode=False, catch_exceptions=False)
    assert str(exc.value) == (
        f"{cfg}: line 2 is not UTF-8 text (byte {len(mark) + 19}): a settings file is YAML or JSON text; "
        "save it as UTF-8"
    )


def _zipped(name: str, text: str) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, text)
    return buffer.getvalue()


SETTINGS = "hidden_size: 24\ncell: gru\n"
NOT_TEXT = {  # file name, its bytes, what the one line says of it
    "utf-16 yaml": ("c.yaml", SETTINGS.encode("utf-16-le"),
                    ": every other byte is NUL, as in UTF-16 text saved without a byte-order mark; save it as UTF-8"),
    "utf-16 json": ("c.json", '{"hidden_size": 24}'.encode("utf-16-be"),
                    ": every other byte is NUL, as in UTF-16 text saved without a byte-order mark; save it as UTF-8"),
    "gzip": ("c.yaml.gz", gzip.compress(SETTINGS.encode()),
             " is gzip-compressed, not text: decompress it first (zcat {path} > settings.yaml) and give that"),
    "zip": ("c.zip", _zipped("c.yaml", SETTINGS), " is a zip archive, not text: unzip it and give the settings file inside"),
    "pdf": ("c.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
            " is a PDF document, not text: take its text out first (pdftotext FILE out.txt) and give that"),
}  # fmt: skip


@pytest.mark.parametrize("kind", list(NOT_TEXT))
def test_a_settings_file_that_is_no_text_is_refused_as_a_corpus_is(tmp_path, one_line_error, kind):
    """UTF-16 without its mark was "not valid YAML or JSON (unacceptable character #x0000 ...)" or "not
    valid JSON (Expecting property name ...)"; a .gz, a zip or a PDF "not a text file (byte 10)"."""
    from rnnkit.cli import main

    name, data, said = NOT_TEXT[kind]
    cfg = tmp_path / name
    cfg.write_bytes(data)
    out = tmp_path / "out"
    assert main(["translate", "train", "--config", str(cfg), "--corpus", str(cfg), "--out", str(out)]) == 2
    assert one_line_error() == f"rnnkit: error: {cfg}{said.format(path=cfg)}"
    assert not out.exists()


def _first_control_byte(data: bytes) -> int:
    return next(i for i, b in enumerate(data) if b < 0x20 and b not in b"\t\n\x0c\r")


def test_a_model_s_weights_given_as_config_are_no_text_not_mis_encoded_text(tmp_path, one_line_error):
    """29da038b said of any binary with no known signature (a model's own model.safetensors) "line 1 is not
    UTF-8 text (byte 104) ... save it as UTF-8", as if it were text in a Windows code page. Weights are
    named as such since session 33 (byte_order.weights), as a corpus or translate text --input names them."""
    import torch

    from rnnkit.cli import main
    from rnnkit.train.modelfile import save_model

    model = tmp_path / "m" / "model"
    save_model(model, {"w": torch.randn(32, 32)}, {"application": "forecast", "model": {"hidden_size": 32}})
    weights = model / "model.safetensors"
    assert weights.read_bytes()[1] == 0  # the header's length, a little-endian u64
    out = tmp_path / "out"
    assert main(["forecast", "train", "--config", str(weights), "--out", str(out)]) == 2
    assert one_line_error() == (
        f"rnnkit: error: {weights} is model weights (safetensors), not text: give a text file; "
        f"model.safetensors lies in the model folder {model}: --config {model} trains with its settings "
        "(its config.json)"
    )
    assert not out.exists()


@pytest.mark.parametrize("name", ["weights.bin", "tokenizer.spm", "c.yaml"])
def test_random_bytes_given_as_config_are_not_a_text_file_named_by_their_first_control_byte(tmp_path, name):
    import random

    data = random.Random(4).randbytes(4096)
    cfg = tmp_path / name
    cfg.write_bytes(data)
    with pytest.raises(RnnkitError) as exc:
        CliRunner().invoke(show, ["--config", str(cfg)], standalone_mode=False, catch_exceptions=False)
    assert str(exc.value) == (
        f"{cfg} is not a text file (byte {_first_control_byte(data)}): a settings file is YAML or JSON text"
    )


@pytest.mark.parametrize("control", [b"\x00", b"\x1b", b"\x07"])
def test_text_in_a_windows_code_page_with_a_control_byte_is_no_text(tmp_path, control):
    """Only text with no NUL or control byte is taken for another encoding's text ("save it as UTF-8")."""
    cfg = tmp_path / "c.yaml"
    cfg.write_bytes(b"cell: gru\nnote: caf\xe9" + control + b"\n")
    with pytest.raises(RnnkitError) as exc:
        CliRunner().invoke(show, ["--config", str(cfg)], standalone_mode=False, catch_exceptions=False)
    assert str(exc.value) == f"{cfg} is not a text file (byte 20): a settings file is YAML or JSON text"


def test_tabs_crlf_line_ends_and_form_feeds_are_text(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_bytes(b"cell: gru\r\nnote: 'a\tb'\r\n")
    got = _run("--config", str(cfg))
    assert (got["cell"], got["note"]) == ("gru", "a\tb")
    cfg.write_bytes(b"cell: gru\r\n\x0c\r\n")  # text, though YAML has no form feed
    with pytest.raises(RnnkitError, match=r"c.yaml: not valid YAML or JSON \(unacceptable character #x000c"):
        CliRunner().invoke(show, ["--config", str(cfg)], standalone_mode=False, catch_exceptions=False)


def test_a_dos_end_of_file_mark_after_the_settings_is_dropped(tmp_path):
    """7c688b22 called a DOS-saved settings file "not a text file (byte 22)" for its last Ctrl-Z."""
    for mark in (b"", codecs.BOM_UTF8):
        cfg = tmp_path / "dos.yaml"
        cfg.write_bytes(mark + b"cell: gru\r\nseed: 3\r\n\x1a")
        got = _run("--config", str(cfg))
        assert (got["cell"], got["seed"]) == ("gru", 3)


@pytest.mark.parametrize(
    ("control", "shown"), [(b"\x1b", "#x001b"), (b"\x0b", "#x000b"), (b"\x1a", "#x001a")]
)
def test_utf8_text_with_a_stray_control_byte_is_text_yaml_names_it(tmp_path, control, shown):
    """7c688b22 searched valid UTF-8 for control bytes too: an escape in a prompt, a vertical tab or a Ctrl-Z
    mid-file made a real settings file "not a text file"; YAML names the character."""
    cfg = tmp_path / "c.yaml"
    cfg.write_bytes("cell: gru\nnote: '한국어".encode() + control + b"'\nseed: 3\n")
    with pytest.raises(RnnkitError) as exc:
        CliRunner().invoke(show, ["--config", str(cfg)], standalone_mode=False, catch_exceptions=False)
    assert str(exc.value).startswith(f"{cfg}: not valid YAML or JSON (unacceptable character {shown}")
