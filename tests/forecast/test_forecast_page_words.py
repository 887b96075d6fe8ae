"""The forecast page's words (:func:`rnnkit.forecast.python_words.page_message`) cover every option the
reading and scoring path names: a message that names a new option fails here before it reaches a page
user (tests/serve/test_serve_forecast_words.py triggers each message through the page's API)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import rnnkit.forecast as forecast
from rnnkit.forecast.python_words import PAGE_ADVICE, page_message

# what the page runs on an upload: reading (data, dates), then prepare and scoring
PAGE_PATH = (
    "data.py",
    "dates.py",
    "date_values.py",
    "date_intervals.py",
    "date_zones.py",
    "numbers.py",
    "prepare.py",
    "windows.py",
)
OPTION = re.compile(r"(?<![\w-])--([a-z][a-z-]*)")


def _message_options(path: Path) -> set[str]:
    """The options named in the module's strings, docstrings and comments aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            found |= set(OPTION.findall(node.value))
    return found


def test_every_option_the_page_path_names_has_page_words():
    said = " ".join(cli for advice in PAGE_ADVICE.values() for cli, _ in advice)
    folder = Path(forecast.__file__).parent
    assert all((folder / name).exists() for name in PAGE_PATH), "a module of PAGE_PATH was renamed"
    named = set().union(*(_message_options(folder / name) for name in PAGE_PATH))
    # never met by an upload: the page gives no data path, and a model's own split and settings
    unreachable = {"data", "val", "test"}
    missing = {opt for opt in named - unreachable if f"--{opt}" not in said}
    assert named and not missing, sorted(missing)


def test_page_words_keep_a_command_to_run_and_leave_other_text_alone():
    text = (
        "x.csv has 2 missing value(s) ('Close': 2); pass --missing fill (carry on) or --missing drop (drop)"
    )
    assert (
        page_message(text, "Close")
        == "x.csv has 2 missing value(s) ('Close': 2); fill them in, or delete those rows"
    )
    assert page_message("a plain sentence -- with dashes", "Close") == "a plain sentence -- with dashes"
