"""Language codes as rnnkit compares them, from what a user types or a model's config.json holds.

Korean is ``ko`` and English ``en`` to every check that treats them apart (the corpus checks, BLEU's
tokeniser, the number check, spelled-out numbers), each comparing the code exactly: ``KO``, ``kor``,
``Korean`` or ``ko-KR`` turned all of them off. One function reads a code everywhere, the command line
and a saved model alike, so a model trained with ``ko-KR`` is the same ``ko`` model as one typed ``KO``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rnnkit.translate.corpus_text import LANGUAGE_NAMES

# A language code: two or three letters, then any subtags after hyphens (pt-BR, zh-Hant).
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*")
# Languages rnnkit treats apart by their code alone: a region or script after them (ko-KR, en-US) would
# hide them from those checks, and says nothing they use. Others keep theirs (pt-BR, zh-Hans).
_PRIMARY_ONLY = frozenset({"en", "ko"})


def language_code(value: str) -> str | None:
    """``value`` as the code rnnkit compares: the first part in lower case, a name a corpus header may
    use mapped to its code (``KO``, ``kor``, ``Korean``: ``ko``), and a region or script dropped after
    ``en`` and ``ko`` (``ko-KR``: ``ko``); None when it is no language code (empty, a path, ``ko_KR``)."""
    first, sep, rest = value.strip().partition("-")
    first = LANGUAGE_NAMES.get(first.casefold(), first.casefold())
    code = first if first in _PRIMARY_ONLY else first + sep + rest
    return code if _LANGUAGE_CODE.fullmatch(first + sep + rest) else None


def model_languages(config: Mapping) -> tuple[str, str]:
    """A model's source and target codes from its config (``en``, ``ko`` when absent), read by
    :func:`language_code`: a model saved before codes were normalised may say ``KO`` or ``ko-KR``. A
    value that is no code is kept as it is, so a message can name it."""
    langs = config.get("src_lang", "en"), config.get("tgt_lang", "ko")
    return tuple(language_code(v) or v if isinstance(v, str) else v for v in langs)  # type: ignore[return-value]
