"""One vocabulary for settings, and the old names still read from older model folders.

Every configuration, from :mod:`rnnkit.nn` outwards, spells the sizes of a recurrent model the way
``torch.nn.LSTM`` does: ``hidden_size``, ``num_layers``, ``embed_size``; a setting ``x_y`` is the
option ``--x-y`` on the command line. Model folders written before this vocabulary (forecast's
``hidden``/``layers``, caption's ``embed_dim``, explain's ``hidden``) keep loading: their
``config.json`` goes through :func:`renamed_keys` before it is checked.
"""

from __future__ import annotations

from typing import Any

OLD_KEYS: dict[str, str] = {
    "hidden": "hidden_size",
    "layers": "num_layers",
    "embed": "embed_size",
    "embed_dim": "embed_size",
    "valid_frac": "val",
    "test_frac": "test",
}
"""Old key -> the key of the one vocabulary."""


OLD_OPTIONS: dict[str, str] = {
    "--" + k.replace("_", "-"): "--" + v.replace("_", "-") for k, v in OLD_KEYS.items()
}
"""Old option name -> today's (``--hidden`` -> ``--hidden-size``), for run records written before."""

ADDED_OPTIONS: dict[str, Any] = {"--subword-sampling": 0.0, "--split-seed": None}
"""Options added after run records were written -> the value every such run trained with, so a run
begun before an option existed resumes at that value (and at no other)."""


def renamed_keys(settings: dict[str, Any], old: dict[str, str] | None = None) -> dict[str, Any]:
    """``settings`` with old keys renamed (one level deep; a key given both ways keeps the new one).

    ``old`` narrows or replaces :data:`OLD_KEYS` where a section of a file has its own history.
    """
    table = OLD_KEYS if old is None else old
    out = {k: v for k, v in settings.items() if k not in table}
    for key, value in settings.items():
        if key in table:
            out.setdefault(table[key], value)
    return out


def option_name(key: str) -> str:
    """The command-line option of setting ``key``: ``hidden_size`` -> ``--hidden-size``."""
    return "--" + key.replace("_", "-")
