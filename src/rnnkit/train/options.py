"""The training settings every application's option bundle shares, and the way bundles are composed.

An application's options (``translate``'s :class:`~rnnkit.translate.training.TrainOptions`, ...) are
its model's config (``Seq2SeqConfig``), this shared :class:`FitOptions`, and the few settings only
that application has, composed rather than copied field by field. :class:`Composed` lets such a bundle
still be built and read flat (``TrainOptions(hidden_size=64, epochs=3)``, ``opts.hidden_size``), the way
the command line and ``config.json`` see it: one name per setting, whichever part holds it.

Light: no torch, no Accelerate (the command line builds its options before the engine is loaded).
"""

from __future__ import annotations

from dataclasses import MISSING, asdict, dataclass, fields, replace
from typing import Any, ClassVar

from rnnkit.train.config import TrainConfig


@dataclass
class FitOptions:
    """The settings of a training run that every application has (options of every ``train``).

    Attributes:
        epochs, batch_size, lr: passes over the data, examples per step, AdamW's rate.
        lr_schedule, lr_factor, lr_patience: the per-epoch schedule (:class:`TrainConfig`).
        patience: epochs without a better validation score before stopping; None never stops early.
        clip_norm: the gradients' largest total L2 norm; None does not clip.
        seed, device, show_progress: as everywhere in rnnkit.
    """

    epochs: int | None = 10  # None: the application chooses (forecast: a budget of optimisation steps)
    batch_size: int = 64
    lr: float = 1e-3
    lr_schedule: str = "constant"
    lr_factor: float = 0.5
    lr_patience: int = 2
    patience: int | None = 5
    clip_norm: float | None = 1.0
    seed: int = 0
    device: str = "auto"
    show_progress: bool = True

    def train_config(self, monitor: str, mode: str, **more: Any) -> TrainConfig:
        """The engine's :class:`TrainConfig` of these settings, watching ``monitor`` (``min``/``max``);
        ``more`` sets other fields or overrides these (``show_progress=False``)."""
        shared = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "batch_size"}
        return TrainConfig(**{**shared, **more}, monitor=monitor, mode=mode)  # ``more`` wins


class Composed:
    """An option bundle of parts (dataclass fields named in ``PARTS``) and settings of its own.

    Built flat or by parts: ``Bundle(hidden_size=64, epochs=3)`` routes each setting to the part that
    has it (the bundle's own fields first), starting from each part's default (or from a part given
    whole: ``Bundle(model=cfg, epochs=3)``). ``bundle.x`` reads ``x`` from whichever part holds it, and
    :meth:`flat` is the one flat mapping that the command line, ``config.json`` and ``--resume`` use.
    Subclasses are dataclasses with ``init=False``; ``NOT_SETTINGS`` names part fields that are no
    setting (a vocabulary size known only once the data are read). A part may be a bundle itself
    (forecast's run settings hold the model's ``Hyper`` whole): its settings are its flat ones. No two
    parts share a setting name (``tests/train/test_train_options.py`` checks every bundle).
    """

    PARTS: ClassVar[tuple[str, ...]] = ()
    NOT_SETTINGS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, **settings: Any) -> None:
        from rnnkit.utils.config_keys import renamed_keys
        from rnnkit.utils.strict_json import plain

        cls = type(self)
        settings = renamed_keys(settings)  # the old names too: CaptionConfig(embed_dim=8), Hyper(hidden=8)
        # a NumPy number (read from an array) as the Python one: the layers check types, config.json is JSON
        settings = {name: plain(value) for name, value in settings.items()}
        for f in fields(cls):  # type: ignore[arg-type]
            if f.name in cls.PARTS:
                part = settings.pop(f.name, None) or f.default_factory()  # type: ignore[misc]
                names = part_settings(part) - set(cls.NOT_SETTINGS)
                part = replace(part, **{k: settings.pop(k) for k in list(settings) if k in names})
                object.__setattr__(self, f.name, part)
        for f in fields(cls):  # type: ignore[arg-type]
            if f.name not in cls.PARTS:
                default = f.default_factory() if f.default is MISSING else f.default  # type: ignore[misc]
                object.__setattr__(self, f.name, settings.pop(f.name, default))
        if settings:
            raise TypeError(f"{cls.__name__} has no setting(s) {', '.join(sorted(settings))}")

    @classmethod
    def setting_names(cls) -> set[str]:
        """Every flat setting name: the parts' fields (but ``NOT_SETTINGS``) and the bundle's own."""
        names = set()
        for f in fields(cls):  # type: ignore[arg-type]
            if f.name in cls.PARTS:
                names |= part_settings(f.default_factory())  # type: ignore[misc]
            else:
                names.add(f.name)
        return names - set(cls.NOT_SETTINGS)

    def __getattr__(self, name: str) -> Any:
        # Called only when normal lookup fails: a setting held by one of the parts.
        for part in type(self).PARTS:
            holder = self.__dict__.get(part)
            if holder is not None and name in part_settings(holder):
                return getattr(holder, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        # A setting held by a part is set there (``bundle.hidden_size = 64``), never shadowed here.
        if name not in {f.name for f in fields(self)}:  # type: ignore[arg-type]
            for part in type(self).PARTS:
                holder = self.__dict__.get(part)
                if holder is not None and name in part_settings(holder):
                    setattr(holder, name, value)
                    return
        object.__setattr__(self, name, value)

    def flat(self) -> dict[str, Any]:
        """Every setting by its one name: the parts' fields (but ``NOT_SETTINGS``) and the bundle's own."""
        out: dict[str, Any] = {}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if f.name not in type(self).PARTS:
                out[f.name] = value
            else:
                out.update(value.flat() if isinstance(value, Composed) else asdict(value))
        return {k: v for k, v in out.items() if k not in type(self).NOT_SETTINGS}


def part_settings(part: Any) -> set[str]:
    """The setting names a part holds: a bundle's flat ones (:meth:`Composed.setting_names`), else
    the dataclass's fields."""
    if isinstance(part, Composed):
        return part.setting_names()
    return {f.name for f in fields(part)}
