"""``rnnkit caption`` option declarations: every range is in --help and refused before anything is
read or written; --data given a folder says so."""

import re

import pytest

from rnnkit.cli import main

RANGED = {  # option -> what --help shows for it
    "--length-penalty": "[0.0<=x<=10.0]",
    "--located-check": "[0.0<=x<=100.0]",
    "--attribute-loss": "[0.0<=x<=1000.0]",
    "--located-loss": "[0.0<=x<=1000.0]",
    "--attend-loss": "[0.0<=x<=1000.0]",
    "--repeat-loss": "[0.0<=x<=1000.0]",
    "--channels": "8<=x<=4096]",
}


def _help_records(command: str) -> dict[str, str]:
    """Each option of ``rnnkit caption COMMAND`` -> its line in --help (metavar and help text)."""
    import click

    from rnnkit.cli import root

    ctx = click.Context(root)
    group = root.get_command(ctx, "caption")  # mounted as the command line mounts it
    cmd = group.get_command(ctx, command)
    sub = click.Context(cmd, parent=ctx, info_name=command)
    records = {}
    for param in cmd.params:
        record = param.get_help_record(sub)
        if record is not None:
            records[max(param.opts, key=len)] = " ".join(record)
    return records


@pytest.mark.parametrize("command", ["train", "eval", "describe"])
def test_help_shows_every_range(capsys, command):
    records = _help_records(command)
    options = (
        RANGED if command == "train" else {k: RANGED[k] for k in ("--length-penalty", "--located-check")}
    )
    for option, shown in options.items():
        assert "RANGE" in records[option] and shown in records[option], (option, records[option])
    assert main(["caption", command, "--help"]) == 0  # and --help prints them
    text = re.sub(r"\s+", "", capsys.readouterr().out)
    for shown in options.values():
        assert shown in text


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--channels", "7"),
        ("--channels", "8192"),
        ("--attribute-loss", "-1"),
        ("--located-loss", "1001"),
        ("--length-penalty", "11"),
        ("--located-check", "-0.5"),
    ],
)
def test_out_of_range_is_refused_before_the_data_is_read(capsys, one_line_error, tmp_path, option, value):
    """The data file does not even exist: the option is what the one line is about."""
    out = tmp_path / "run"
    args = ["caption", "train", "--data", str(tmp_path / "missing.json"), "--out", str(out), option, value]
    assert main(args) == 2
    one_line_error(f"'{option}'", "is not in the range")
    assert not out.exists()


def test_channels_not_a_multiple_of_8_before_the_data_is_read(capsys, one_line_error, tmp_path):
    out = tmp_path / "run"
    assert main(["caption", "train", "--data", str(tmp_path / "missing.json"), "--out", str(out),
                 "--channels", "12"]) == 2  # fmt: skip
    one_line_error("--channels must be a multiple of 8", "got 12")
    assert not out.exists()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    data = tmp_path_factory.mktemp("caption") / "data"
    assert main(["caption", "generate-data", "--out", str(data), "--train", "4", "--val", "2", "--test", "2",
                 "--heldout", "2", "--image-size", "16", "--no-progress"]) == 0  # fmt: skip
    return data


@pytest.mark.parametrize("command", ["train", "eval"])
def test_data_given_a_folder_says_it_is_a_folder(dataset, capsys, one_line_error, tmp_path, command):
    capsys.readouterr()
    out = tmp_path / "run"
    where = ["--out", str(out)] if command == "train" else ["--model", str(tmp_path / "no-model")]
    assert main(["caption", command, "--data", str(dataset / "images"), *where]) == 2
    one_line_error(f"{dataset / 'images'} is a folder, not a captions file", "dataset.json",
                   "this folder holds no dataset.json")  # fmt: skip
    assert main(["caption", command, "--data", str(dataset), *where]) == 2
    one_line_error(f"{dataset} is a folder", f"did you mean --data {dataset / 'dataset.json'}?")
    assert not out.exists()
    kaggle = (
        tmp_path / "flickr8k"
    )  # Kaggle's download: captions.txt beside Images/; it was "holds no dataset.json"
    (kaggle / "Images").mkdir(parents=True)
    (kaggle / "captions.txt").write_text("image,caption\n")
    assert main(["caption", command, "--data", str(kaggle), *where]) == 2
    one_line_error(f"did you mean --data {kaggle / 'captions.txt'} --images {kaggle / 'Images'}?")
