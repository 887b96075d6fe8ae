"""Settings files for ``--config FILE`` (:func:`rnnkit.utils.options.config_option`): YAML or JSON,
checked against the command's own options (names and JSON types here with :mod:`rnnkit.utils.schema`;
ranges later, by each option's type, as if typed), old names mapped (:mod:`rnnkit.utils.config_keys`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

FromModel = Callable[[dict[str, Any]], dict[str, Any]]


def read_settings(path: Path, command: click.Command, from_model: FromModel | None = None) -> dict[str, Any]:
    """The settings in ``path`` for ``command``: ``{parameter name: value}``, checked (one-line errors)."""
    from rnnkit.utils.errors import RnnkitError

    if path.is_dir():  # a model folder, or a train command's run folder holding one: its config.json
        from rnnkit.utils.markers import model_folder_in

        path = model_folder_in(path) / "config.json"
    try:
        return _checked_settings(path, command, from_model)
    except RnnkitError as exc:
        beside = _model_beside(path)
        if beside is None:
            raise
        # run.json, metrics.json, the weights given for config.json: say which --config was likely meant
        raise RnnkitError(f"{exc}; {path.name} lies in {beside}") from None


APPLICATIONS = ("forecast", "translate", "caption", "explain")


def _refuse_other_application(path: Path, application: Any) -> None:
    """One line for another application's model (``translate train --config FORECAST/config.json``): its
    settings name few of this command's options, so it would train this command's defaults silently."""
    from rnnkit.utils.errors import RnnkitError

    ctx = click.get_current_context(silent=True)
    group = ctx.parent.info_name if ctx is not None and ctx.parent is not None else None
    if group in APPLICATIONS and application != group:
        raise RnnkitError(
            f"{path} is the config.json of {_a(str(application))} model; {group} {ctx.info_name} trains "
            f"{_a(group)} model again only from {_a(group)} model's config.json (or from a settings file)"
        )


def _a(word: str) -> str:
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def _run_folder_hint(missing: Path) -> str:
    """For ``--config runs/x/config.json`` where ``runs/x`` is a run folder (which keeps the model's
    ``config.json`` in ``model/``): how to name it."""
    from rnnkit.utils.markers import model_folder_at

    found = model_folder_at(missing.parent) if missing.name == "config.json" else None
    if found is None or found[0] == missing.parent:
        return ""
    return f" (the run folder {missing.parent} keeps it in {found[0]}; --config {missing.parent} reads it)"


def _model_beside(path: Path) -> str | None:
    """Where file ``path`` lies, when that is a model folder or a run folder holding one and ``path`` is not
    the model's own config.json: ``the run folder R: --config R trains with its model's settings (...)``."""
    from rnnkit.utils.markers import model_folder_at

    found = model_folder_at(path.parent) if path.is_file() else None
    if found is None:
        return None
    model = found[0]
    if path == model / "config.json":
        return None
    if model == path.parent:
        return f"the model folder {model}: --config {model} trains with its settings (its config.json)"
    return (
        f"the run folder {path.parent}: --config {path.parent} trains with its model's settings "
        f"({model / 'config.json'})"
    )


def _checked_settings(path: Path, command: click.Command, from_model: FromModel | None) -> dict[str, Any]:
    from rnnkit.utils.config_keys import renamed_keys
    from rnnkit.utils.errors import RnnkitError
    from rnnkit.utils.schema import Obj, validate

    data = _read_file(path)
    if not isinstance(data, dict):
        raise RnnkitError(
            f"{path}: settings must be a mapping of names to values, got {_json_kind(data)}; "
            f"a settings file holds {_what_it_holds(path)}"
        )
    model = "application" in data and "format_version" in data  # a model folder's config.json
    if model:
        if from_model is None:
            raise RnnkitError(f"{path} is a model's config.json; this command does not train from one")
        _refuse_other_application(path, data["application"])
        data = from_model(data)
    data = {str(k).replace("-", "_"): v for k, v in data.items()}
    # a setting is named as its option (format: --format) or as its parameter (fmt); old names map too
    by_option = {_key(p): p.name for p in command.params if _settable(p) and _key(p) != p.name}
    data = renamed_keys(
        data, {k: v for k, v in {**OLD_SETTING_NAMES, **by_option}.items() if k not in _names(command)}
    )
    specs = {p.name: _spec(p) for p in command.params if _settable(p)}
    if model:  # a model records more than its options (results, sizes of its vocabulary): keep the options
        data = {k: v for k, v in data.items() if k in specs}
    checked = validate(data, Obj({}, specs, extra=False), str(path))
    params = {p.name: p for p in command.params}
    for key, value in checked.items():  # the option's own range and rules, with the file named
        if value is not None:
            _convert(params[key], value, f"{path}: {key}")
    return {k: v for k, v in checked.items() if v is not None}


def _json_kind(value: Any) -> str:
    """What a parsed file holds, in the words of YAML and JSON (a list, a string), not Python's."""
    kinds = ((type(None), "null"), (bool, "true or false"), (int, "a number"), (float, "a number"),
             (str, "a string"), (list, "a list"))  # fmt: skip
    return next((name for kind, name in kinds if isinstance(value, kind)), type(value).__name__)


def _convert(param: click.Parameter, value: Any, where: str) -> None:
    """Check ``value`` as ``param`` would check it on the command line; a one-line error naming ``where``."""
    from rnnkit.utils.errors import RnnkitError

    for item in value if param.multiple else [value]:
        try:
            param.type.convert(item, param, None)
        except click.BadParameter as exc:
            raise RnnkitError(f"{where} {exc.message}") from None


# Old setting names, as in renamed_keys, and old option names (``valid_frac`` was ``--valid-frac``).
OLD_SETTING_NAMES = {"hidden": "hidden_size", "layers": "num_layers", "embed": "embed_size",
                     "embed_dim": "embed_size", "valid_frac": "val", "test_frac": "test"}  # fmt: skip


# Options whose value is a comma-separated list (besides the integer lists of rnnkit.utils.limits): a
# settings file may write them as a list, quantiles: [0.1, 0.5, 0.9]
COMMA_LISTS = frozenset(("quantiles", "features", "cells"))


def _key(param: click.Parameter) -> str:
    """The settings-file key of an option: its long name without ``--`` (``--hidden-size``: hidden_size)."""
    from rnnkit.utils.limits import long_name

    return long_name(param)[2:].replace("-", "_")


def _names(command: click.Command) -> set[str]:
    return {p.name for p in command.params if p.name}


def _settable(param: click.Parameter) -> bool:
    """Options a file may set: every option (``--threads`` too) but --config itself, --force and --help."""
    return isinstance(param, click.Option) and param.name not in ("config_file", "force", "help")


MAX_SETTINGS_BYTES = 1 << 20  # a settings file is a few lines; a larger one is something else


def _read_file(path: Path) -> Any:
    """The parsed settings of ``path``: a file, or a pipe (``--config <(printf 'epochs: 3')``, read once)."""
    from rnnkit.utils.errors import RnnkitError

    if not path.exists():
        raise RnnkitError(f"config file not found: {path}{_run_folder_hint(path)}")
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_SETTINGS_BYTES + 1)
    except OSError as exc:
        raise RnnkitError(f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None
    if len(data) > MAX_SETTINGS_BYTES:
        raise RnnkitError(
            f"{path} is larger than {MAX_SETTINGS_BYTES >> 20} MiB: not a settings file (one name: value a line)"
        )
    return _parsed(path, _text(path, data))


# a byte no YAML or JSON text holds outside UTF-16/UTF-32: NUL and the C0 controls but tab, LF, FF and CR
_NOT_TEXT_BYTE = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f]")


def _text(path: Path, data: bytes) -> str:
    """The file's text: UTF-8, or UTF-16/UTF-32 after its byte-order mark (Notepad's "Unicode"), as
    every text file rnnkit reads (:mod:`rnnkit.utils.byte_order`); the mark dropped. A file that is no
    text (a picture, a PDF, a ``.gz``, UTF-16 without its mark) is refused as a corpus or a captions
    file is: UTF-16 without its mark was "not valid YAML or JSON (unacceptable character #x0000 ...)".
    Bytes that are not UTF-8 and hold a NUL or control byte, with no mark, are no text (a model's
    weights, a tokenizer, a ``.bin``), named as "not a text file"; "save it as UTF-8" is only for text in
    another encoding. Valid UTF-8 is text whatever it holds: YAML names a stray control character (an
    escape, a vertical tab) as "unacceptable character #x001b". A last Ctrl-Z (DOS's end-of-file mark,
    which ``copy con`` and old editors append) is dropped: it ends the text, and YAML and JSON refuse it."""
    from rnnkit.utils.byte_order import bad_byte, decode, refuse_no_text, text_encoding
    from rnnkit.utils.errors import RnnkitError

    marked = text_encoding(data)
    if marked is None:
        data = data.removesuffix(b"\x1a")
    refuse_no_text(data, path, "settings file", "settings.yaml")
    try:
        return decode(data)
    except UnicodeDecodeError as exc:  # "codec can't decode byte 0xe9" says little
        if marked:
            bad = bad_byte(data, exc)  # its byte from the file's start, the mark included
            raise RnnkitError(
                f"{path} is not {marked} text (byte {bad.offset}), though it opens with its mark"
            ) from None
        if control := _NOT_TEXT_BYTE.search(data):
            raise RnnkitError(
                f"{path} is not a text file (byte {control.start()}): a settings file is YAML or JSON text"
            ) from None
        bad = bad_byte(data, exc)  # its line, and its byte from the file's start (UTF-8's mark included)
        # text in a Windows code page (old Notepad's "ANSI": a path with José in it)
        raise RnnkitError(
            f"{path}: line {bad.line} is not UTF-8 text (byte {bad.offset}): a settings file is YAML or JSON "
            "text; save it as UTF-8"
        ) from None


def _parsed(path: Path, text: str) -> Any:
    from rnnkit.utils.errors import RnnkitError
    from rnnkit.utils.schema import parse_json

    _refuse_empty(path, text)
    if path.suffix.lower() == ".json":
        data = parse_json(text, str(path))
        _refuse_repeated(path, _json_keys(text))
        return data
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RnnkitError(f"{path}: not valid YAML or JSON ({first})") from None
    _refuse_repeated(path, _yaml_keys(text))
    return data


def _refuse_repeated(path: Path, keys: list[tuple[str, str]]) -> None:
    """One line for a setting written twice (``hidden_size: 8`` and later ``hidden-size: 16``): YAML and
    JSON readers keep the last one silently, and the user may have meant either. ``keys``: (as written,
    where) of the top-level keys."""
    from rnnkit.utils.errors import RnnkitError

    seen: dict[str, tuple[str, str]] = {}
    for key, where in keys:
        name = key.replace("-", "_")
        if name in seen:
            first, first_where = seen[name]
            if first != key:  # hidden-size and hidden_size: both spellings, and where
                places = f" ({first}{first_where} and {key}{where})"
            else:
                places = f" (lines {first_where.split()[-1]} and {where.split()[-1]})" if where else ""
            raise RnnkitError(f"{path} sets {name} twice{places}: keep the one you mean")
        seen[name] = (key, where)


def _yaml_keys(text: str) -> list[tuple[str, str]]:
    """The top-level keys of a YAML document, each with `` on line N``."""
    import yaml

    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(node, yaml.MappingNode):
        return []
    return [(str(k.value), f" on line {k.start_mark.line + 1}") for k, _ in node.value
            if isinstance(k, yaml.ScalarNode)]  # fmt: skip


def _json_keys(text: str) -> list[tuple[str, str]]:
    """The top-level keys of a JSON object (already read by parse_json: valid, limited), in order."""
    import json

    objects: list[list[tuple[str, Any]]] = []
    json.loads(text, object_pairs_hook=lambda pairs: objects.append(pairs))
    # the hook sees the innermost objects first and the document's own last
    top = objects[-1] if objects and text.lstrip(" \t\r\n").startswith("{") else []
    return [(str(k), "") for k, _ in top]


def _refuse_empty(path: Path, text: str) -> None:
    """One line for a file with no settings in it (empty, blank, or only ``#`` comments): YAML reads it
    as null and JSON as an error about 'Expecting value', neither of which says the file is empty."""
    from rnnkit.utils.errors import RnnkitError

    lines = text.splitlines()
    written = [line.strip() for line in lines if line.strip()]
    if any(not line.startswith("#") for line in written):
        return
    what = "is empty" if not written else "holds only comments"
    raise RnnkitError(f"{path} {what}: a settings file holds {_what_it_holds(path)}")


def _what_it_holds(path: Path) -> str:
    """What a settings file of ``path``'s format holds, for the messages about one that holds no settings."""
    if path.suffix.lower() == ".json":
        return 'one JSON object of option names and values ({"hidden_size": 64} sets --hidden-size)'
    return "one option per line as name: value (hidden_size: 64 sets --hidden-size)"


def _int_range(t: click.ParamType) -> str:
    """`` in LO..HI``: the range of an integer option (its rnnkit.utils.limits range, else its
    click.IntRange's) as the message for a value that is no integer names it; empty without one."""
    rng = getattr(t, "rng", None)
    lo, hi = (rng.lo, rng.hi) if rng is not None else (getattr(t, "min", None), getattr(t, "max", None))
    if lo is None and hi is None:
        return ""
    if hi is None:
        return f" >= {int(lo)}"
    if lo is None:
        return f" <= {int(hi)}"
    return f" in {int(lo)}..{int(hi)}"


def _spec(param: click.Parameter) -> Any:
    """A schema for the value of ``param`` in a settings file, from its click type (``null`` allowed)."""
    from rnnkit.utils.schema import Bool, CommaList, Float, List, Opt, OptionInt, Str

    t = param.type
    inner = getattr(t, "inner", None)  # rnnkit.utils.limits wraps types (range checks stay with click)
    kind = getattr(t, "kind", None)
    if getattr(param, "is_flag", False) and getattr(param, "is_bool_flag", False):
        spec = Bool()
    elif kind == "ints" or param.name in COMMA_LISTS:
        spec = CommaList()
    elif kind == "int" or isinstance(t, click.types.IntParamType):
        spec = OptionInt(_int_range(t))
    elif kind == "float" or isinstance(t, click.types.FloatParamType):
        spec = Float()
    elif isinstance(t, click.Choice) or isinstance(inner, click.Choice):
        spec = Str(choices=tuple((t if isinstance(t, click.Choice) else inner).choices))
    else:
        spec = Str()
    return Opt(List(spec) if param.multiple else spec)
