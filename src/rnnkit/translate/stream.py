"""Translate a stream of lines batch by batch, handing each result on as soon as its batch is done.

``rnnkit translate text`` feeds this from standard input or a file through
:class:`rnnkit.utils.linestream.LineReader`, whose batches arrive as the input does; a list of sentences
given as arguments is one stream too. Each batch is decoded (sorted by length inside the batch, as
:meth:`Translator.translate` does) and its translations passed to ``emit`` in input order before the
next batch is read, so output starts at once, memory holds one batch, and Ctrl-C keeps what was emitted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from rnnkit.translate.translator import Translation, Translator
from rnnkit.utils.errors import RnnkitError

# An HTML tag (<p>, </b>, <br/>, <a href="...">) or character reference (&amp; &#39;): the model learned
# plain sentences, and reads markup as words ("<p>Hello <b>world</b></p>" came out as a made-up sentence)
MARKUP = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")


def nonempty(line: str) -> bool:
    return bool(line.strip())


# A window of sentences read ahead is translated at once: Translator.translate sorts it by length into
# batches of --batch-size, so the batches pad little. Windows start at one batch (the first output comes
# at once) and double up to this many batches (measured on 4,000 piped lines, tiny GRU, greedy: windows
# of one batch cost 1.5x the CPU time of sorting the whole input; see docs/translate.md).
WINDOW_BATCHES = 16


def count_windows(lines: Iterable[str], size: int, grow_to: int) -> tuple[int, int]:
    """How many lines there are, and how many windows (``size`` non-empty lines, doubling up to
    ``grow_to``) they make when all are waiting (a file)."""
    n_lines = n_text = 0
    for line in lines:
        n_lines += 1
        n_text += nonempty(line)
    windows = 0
    while n_text > 0:
        n_text -= size
        size = min(2 * size, grow_to)
        windows += 1
    return n_lines, windows


def translate_stream(
    tr: Translator,
    batches: Iterable[list[str]],
    emit: Callable[[Translation], None],
    warn: Callable[[str], None],
    attention: bool = False,
    **decode: object,
) -> Translation | None:
    """Translate every batch and ``emit`` each translation in order; returns the first non-empty
    sentence's translation (with its attention when ``attention``), for a plot.

    Raises RnnkitError when the whole stream holds no text (before anything is emitted: leading empty
    lines wait for the first sentence).
    """
    first: Translation | None = None
    held: list[Translation] = []  # empty lines before the first sentence
    line_no = 0
    for batch in batches:
        out = tr.translate(batch, attention=attention and first is None, show_progress=False, **decode)
        for t in out:
            line_no += 1
            if t.truncated:
                warn(
                    f"line {line_no}: longer than {tr.max_src_len} tokens; translated its first {tr.max_src_len}"
                )
            if t.unreadable:  # Korean or emoji into an English model: the output is a confident guess
                warn(
                    f"line {line_no}: most of it is unknown to the model (is it {tr.config.get('src_lang', 'en')}?)"
                )
            if MARKUP.search(t.source):
                warn(f"line {line_no}: it holds HTML markup, which the model reads as words; give plain text")
            if t.numbers_missing:  # a wrong number reads as fluently as a right one: say so
                said = ", ".join(t.numbers_missing)
                warn(
                    f"line {line_no}: the translation does not say {said} as the source does; check its numbers"
                )
            if t.source.strip() and not t.text.strip():  # an empty line printed for a sentence said nothing
                warn(f"line {line_no}: the model wrote nothing for it (an undertrained model writes blanks)")
            if first is None and t.source.strip():
                first = t
                for h in held:
                    emit(h)
                held.clear()
            if first is None:
                held.append(t)
            else:
                emit(t)
    if first is None:
        raise RnnkitError("no text to translate")
    return first


def batches_of(lines: list[str], size: int) -> Iterator[list[str]]:
    """Sentences given as arguments, as batches of ``size`` non-empty lines."""
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if sum(map(nonempty, batch)) == size:
            yield batch
            batch = []
    if batch:
        yield batch
