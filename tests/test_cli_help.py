"""Every ``--help`` a user reads (QA, session 23): a walk over the whole ``rnnkit`` tree checks that each
command has a one-line summary its group's listing shows whole, that every option says what it does
and, where the code has a default the help states, that the help states the code's."""

from __future__ import annotations

import re

import click
import pytest

from rnnkit.cli import main, root
from rnnkit.utils.limits import long_name


def _tree() -> list[tuple[tuple[str, ...], click.Command, click.Context]]:
    """Every command and group below the root, with its path and a context for its help."""
    found = []

    def walk(cmd: click.Command, ctx: click.Context, path: tuple[str, ...]) -> None:
        found.append((path, cmd, ctx))
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                walk(sub, click.Context(sub, info_name=name, parent=ctx), (*path, name))

    walk(root, click.Context(root, info_name="rnnkit"), ())
    return found


def _options(cmd: click.Command) -> dict[str, click.Option]:
    return {long_name(p): p for p in cmd.params if isinstance(p, click.Option) and not p.hidden}


def _help(path: tuple[str, ...], capsys, monkeypatch, columns: int = 80) -> str:
    """``rnnkit PATH --help`` as printed on a terminal ``columns`` wide."""
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main([*path, "--help"]) == 0
    return capsys.readouterr().out


def _listing(text: str) -> dict[str, str]:
    """The Commands section of a group's help: name -> its summary (wrapped lines joined)."""
    rows: dict[str, str] = {}
    name = None
    for line in text.split("Commands:\n", 1)[1].splitlines():
        if match := re.match(r"  (\S+)\s+(.*)", line):
            name = match.group(1)
            rows[name] = match.group(2)
        elif name and line.strip():
            rows[name] += " " + line.strip()
    return rows


GROUPS = [path for path, cmd, _ in _tree() if isinstance(cmd, click.Group)]


@pytest.mark.parametrize("path", GROUPS, ids=lambda p: " ".join(("rnnkit", *p)))
def test_every_group_lists_each_command_with_its_whole_summary(path, capsys, monkeypatch):
    """Click cuts a summary longer than the listing's room with '...': 19 of the 20 commands listed
    were cut (``demo  The main job: train a small model of each...``) on an ordinary 80-column terminal;
    only the five applications, whose lines rnnkit.cli writes itself, were whole."""
    listing = _listing(_help(path, capsys, monkeypatch))
    group = dict((p, c) for p, c, _ in _tree())[path]
    assert set(listing) == set(group.list_commands(click.Context(group))), path
    for name, summary in listing.items():
        assert summary, f"rnnkit {' '.join(path)}: {name} has no summary"
        assert not summary.endswith("..."), f"rnnkit {' '.join((*path, name))}: summary cut: {summary}"
        assert summary.endswith("."), f"rnnkit {' '.join((*path, name))}: {summary}"


def test_every_option_says_what_it_does_and_no_default_reads_none():
    for path, cmd, ctx in _tree():
        where = f"rnnkit {' '.join(path)}"
        text = cmd.get_help(ctx)
        assert "[default: None]" not in text and "[default: ]" not in text, where
        for name, opt in _options(cmd).items():
            helped = (opt.help or "").strip()
            assert helped, f"{where} {name} has no help"
            assert helped[-1] in ".])", f"{where} {name}: help cut off? {helped[-40:]!r}"
            # one default shown, not click's beside the help's own
            assert not ("[default:" in helped and opt.show_default), f"{where} {name} shows two defaults"
            assert "(default:" not in helped, f"{where} {name}: a default in the CLI's form, [default: ...]"


# Spellings of the other side of the Atlantic; the project writes British ("colour", "initialisation"),
# with "optimizer" and "tokenizer" as torch and sentencepiece name them.
AMERICAN = re.compile(r"\b(color\w*|behavior\w*|center\w*|analyz\w*|normaliz\w*|initializ\w*|"
                      r"regulariz\w*|optimization|favor\w*|gray)\b", re.IGNORECASE)  # fmt: skip


def test_help_writes_british_spelling():
    for path, cmd, ctx in _tree():
        found = AMERICAN.findall(cmd.get_help(ctx))
        assert not found, f"rnnkit {' '.join(path)}: {found}"


def _command(path: str) -> click.Command:
    return {" ".join(p): c for p, c, _ in _tree()}[path]


def test_caption_train_help_states_the_caption_config_defaults():
    """The help said '[default: the CaptionConfig default]' for eight options: a class a user of the
    command line never sees. It now states the values; they are the ones training uses."""
    from rnnkit.caption.cli import TRAIN_DEFAULTS
    from rnnkit.caption.pipeline import CaptionConfig

    options = _options(_command("caption train"))
    config = CaptionConfig()
    assert len(TRAIN_DEFAULTS) == 8
    for name, shown in TRAIN_DEFAULTS.items():
        value = getattr(config, name[2:].replace("-", "_"))
        assert float(shown) == value, f"caption train {name}: help says {shown}, CaptionConfig has {value}"
        assert f"[default: {shown}]" in options[name].help, name
        assert "CaptionConfig" not in options[name].help, name


def test_generate_data_states_each_tasks_image_counts():
    from rnnkit.caption.cli import TASK_COUNTS

    options = _options(_command("caption generate-data"))
    for name, split in (("--train-images", "train"), ("--val-images", "val"), ("--test-images", "test")):
        counts = ", ".join(f"{task} {n[split]}" for task, n in TASK_COUNTS.items())
        assert f"[default: {counts}]" in options[name].help, name
    assert f"[default: shapes {TASK_COUNTS['shapes']['test_heldout']}]" in options["--heldout-images"].help


def test_forecast_epochs_help_states_the_step_budgets_bounds():
    from rnnkit.forecast.forecaster import MAX_EPOCHS, MIN_EPOCHS

    for command in ("forecast train", "forecast backtest"):
        assert f"{MIN_EPOCHS} to {MAX_EPOCHS}]" in _options(_command(command))["--epochs"].help


@pytest.mark.parametrize("command", ["forecast eval", "forecast predict"])
def test_forecast_commands_reading_a_model_say_their_data_defaults_are_the_models(command):
    """eval and predict read the model's data, columns, dates, decimal mark and missing values by
    default (forecast.cli._load_for_model, _read_as_trained); the help said train's defaults: 'Adj
    Close, else Close' for --target and '[default: error]' for --missing."""
    options = _options(_command(command))
    assert "the data the model was trained on" in options["--data"].help
    assert options["--target"].help.startswith("Column to forecast [default: the model's own column")
    assert "[default: the model's own]" in options["--features"].help
    for name in ("--date-format", "--dayfirst", "--missing", "--decimal"):
        assert "[default: as the model's training data were read" in options[name].help, name
    assert not options["--missing"].show_default  # click's own '[default: error]' would contradict it
    train = _options(_command("forecast train"))
    assert train["--target"].help == (
        "Column to forecast [default: Adj Close, else Close, else Price beside Open, High and Low "
        "(investing.com), else the only numeric column]."
    )
    assert train["--missing"].show_default and "model" not in train["--missing"].help


def test_training_options_read_the_same_in_every_command():
    """One wording for what several commands share: 'AdamW learning rate.' (forecast said 'Learning
    rate (AdamW).'), a batch 'per optimizer step' (forecast: 'Training batch size.', translate:
    'Sentence pairs per step.'), and one --season help in the three forecast commands (eval's lacked
    its unit and default)."""
    seasons = set()
    for path, cmd, _ in _tree():
        options = _options(cmd)
        where = f"rnnkit {' '.join(path)}"
        if "--lr" in options:
            assert options["--lr"].help == "AdamW learning rate.", where
            assert options["--batch-size"].help.endswith(" per optimizer step."), where
        if "--season" in options:
            seasons.add(options["--season"].help)
    assert len(seasons) == 1 and "in steps" in seasons.pop()


def test_options_whose_default_is_off_or_all_say_so():
    memory = _options(_command("explain memory"))
    assert memory["--patience"].default is None and "[default: never" in memory["--patience"].help
    train = _options(_command("caption train"))
    assert train["--max-train"].default is None and "[default: all]" in train["--max-train"].help
    forecast = _options(_command("forecast train"))
    assert "none with one layer" in forecast["--dropout"].help  # torch ignores it for one layer
