"""Translate a stream of lines batch by batch, handing each result on as soon as its batch is done.

``rnnkit translate text`` feeds this from standard input or a file through
:class:`rnnkit.utils.linestream.LineReader`, whose batches arrive as the input does; a list of sentences
given as arguments is one stream too. Each batch is decoded (sorted by length inside the batch, as
:meth:`Translator.translate` does) and its translations passed to ``emit`` in input order before the
next batch is read, so output starts at once, memory holds one batch, and Ctrl-C keeps what was emitted.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from rnnkit.translate.number_check import ADDRESS
from rnnkit.translate.translator import Translation, Translator
from rnnkit.utils.errors import RnnkitError

# An HTML tag (<p>, </b>, <br/>, <a href="...">) or character reference (&amp; &#39;): the model learned
# plain sentences, and reads markup as words ("<p>Hello <b>world</b></p>" came out as a made-up sentence)
MARKUP = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")


# The languages a model may be trained on (its config.json's src_lang and tgt_lang), by the script their
# letters are written in (the first word of a letter's Unicode name). A line written mostly in another
# script than the model's source language is no sentence it can read: "안녕하세요." into an English model
# came out as a confident Korean sentence about something else. A code not listed is not checked.
LANGUAGES = {
    **dict.fromkeys(("en", "fr", "de", "es", "it", "pt", "nl", "vi", "id", "tr", "pl"), "LATIN"),
    "ko": "HANGUL", "ja": "HIRAGANA KATAKANA CJK", "zh": "CJK", "ru": "CYRILLIC", "uk": "CYRILLIC",
    "el": "GREEK", "ar": "ARABIC", "he": "HEBREW", "th": "THAI", "hi": "DEVANAGARI",
}  # fmt: skip
LANGUAGE_NAMES = {
    "en": "English", "fr": "French", "de": "German", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch", "vi": "Vietnamese", "id": "Indonesian", "tr": "Turkish", "pl": "Polish", "ko": "Korean",
    "ja": "Japanese", "zh": "Chinese", "ru": "Russian", "uk": "Ukrainian", "el": "Greek", "ar": "Arabic",
    "he": "Hebrew", "th": "Thai", "hi": "Hindi",
}  # fmt: skip
# A script that names its language beyond doubt; others are named as a script ("Cyrillic script").
SCRIPT_LANGUAGES = {"HANGUL": "Korean", "HIRAGANA": "Japanese", "KATAKANA": "Japanese", "GREEK": "Greek",
                    "HEBREW": "Hebrew", "THAI": "Thai", "CJK": "Chinese or Japanese"}  # fmt: skip
# Emoji (pictographs, symbols, flags, with their joiners, skin tones and keycaps): the model learned
# none, and drops them without a word ("I love pizza 🍕😀" came out as 저는 피자를 ... 좋아해요).
_PICTOGRAPH = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff"
WORD = re.compile(r"[^\W\d_]+")  # a word of letters, in any script
EMOJI = re.compile(f"[{_PICTOGRAPH}][{_PICTOGRAPH}\ufe0f\u200d\u20e3]*")


def script_of(char: str) -> str | None:
    """The script of a letter, as the first word of its Unicode name (LATIN, HANGUL, CJK), or None."""
    if not unicodedata.category(char).startswith("L"):
        return None
    words = unicodedata.name(char, "").split()
    words = words[1:] if words[:1] in (["FULLWIDTH"], ["HALFWIDTH"]) else words
    return words[0] if words else None


def foreign_script(text: str, src_lang: str) -> str | None:
    """The script of ``text`` when most of its letters are written in other scripts than ``src_lang``'s:
    the most common of them, a kana where there is one (Japanese mixes kana and CJK characters, neither
    of which alone was most of "私は学生です。", so it was "is it English?"); else None (no letters,
    mostly the source's script, or a language :data:`LANGUAGES` does not know)."""
    if src_lang not in LANGUAGES:
        return None
    scripts = Counter(s for s in map(script_of, text) if s)
    own = LANGUAGES[src_lang].split()
    foreign = Counter({s: n for s, n in scripts.items() if s not in own})
    if 2 * foreign.total() <= scripts.total():
        return None
    kana = Counter({s: n for s, n in foreign.items() if s in ("HIRAGANA", "KATAKANA")})
    return (kana or foreign).most_common(1)[0][0]


def foreign_words(text: str, src_lang: str) -> list[str]:
    """The words of ``text`` written in another script than ``src_lang``'s (each once, in order): a
    Korean word pasted into an English sentence ("I like 김치 very much."), which an English model reads
    as an unknown piece and leaves out of its translation. Empty for a language :data:`LANGUAGES` does
    not know."""
    if src_lang not in LANGUAGES:
        return []
    own = LANGUAGES[src_lang].split()
    found = (w for w in WORD.findall(text) if any(s not in own for s in map(script_of, w) if s))
    return list(dict.fromkeys(found))


def words_note(words: list[str], src_lang: str) -> str:
    """Words of another script (:func:`foreign_words`) that the translation does not hold, named."""
    scripts = {s for w in words for s in map(script_of, w) if s and s not in LANGUAGES[src_lang].split()}
    named = sorted({SCRIPT_LANGUAGES.get(s, f"{s.title()} script") for s in scripts})
    src, one = language_name(src_lang), len(words) == 1
    it = "it" if one else "them"
    return (
        f"this model reads {src} only: {', '.join(words)} ({' and '.join(named)}) {'is' if one else 'are'} "
        f"not in the translation (give {it} in {src}, or copy {it} in)"
    )


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def script_note(script: str, src_lang: str, tgt_lang: str) -> str:
    """What a text written in another ``script`` than the source's is, and what the model takes: the
    model's target language when it is written so (Korean into an English-to-Korean model)."""
    if tgt_lang in LANGUAGES and script in LANGUAGES[tgt_lang].split():
        looks = f"it looks like {language_name(tgt_lang)}"
    elif script in SCRIPT_LANGUAGES:
        looks = f"it looks like {SCRIPT_LANGUAGES[script]}"
    else:
        looks = f"it is written in {script.title()} script"
    src, tgt = language_name(src_lang), language_name(tgt_lang)
    return f"{looks}; this model translates {src} to {tgt} (give {src} text)"


def left_out(found: Iterable[str], text: str) -> list[str]:
    """Those of ``found`` (each once, in order) that ``text`` does not hold as they are."""
    return [f for f in dict.fromkeys(found) if f not in text]


def languages(tr: Translator) -> tuple[str, str]:
    """The model's source and target language codes."""
    config = getattr(tr, "config", None) or {}  # a stand-in translator (a wrapper's, a test's) may have none
    return config.get("src_lang", "en"), config.get("tgt_lang", "ko")


def input_notes(tr: Translator, t: Translation) -> list[str]:
    """What a user must know of a source the model cannot read as it is (another language or script,
    markup, addresses, emoji), each a clause without a line number: for ``translate text``'s warnings
    (:func:`line_warnings`) and the web page's notes alike."""
    src_lang, tgt_lang = languages(tr)
    notes = []
    script = foreign_script(t.source, src_lang)
    if script:
        notes.append(script_note(script, src_lang, tgt_lang))
    elif t.unreadable:  # emoji or symbols into an English model: the output is a confident guess
        notes.append(f"most of it is unknown to the model (is it {language_name(src_lang)}?)")
    elif words := left_out(foreign_words(t.source, src_lang), t.text):  # 김치 in an English sentence: dropped
        notes.append(words_note(words, src_lang))
    if MARKUP.search(t.source):
        notes.append("it holds HTML markup, which the model reads as words; give plain text")
    addresses = [m.group(0) for m in ADDRESS.finditer(t.source)]
    if missing := left_out(addresses, t.text):
        mostly = len(WORD.findall(ADDRESS.sub(" ", t.source))) <= 1  # "See https://x.org": no sentence
        what = "it is an address, not a sentence, and " if mostly else ""
        notes.append(
            f"{what}addresses are not translated: {', '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not in the translation (copy it in)"
        )
    if emoji := left_out(EMOJI.findall(t.source), t.text):
        notes.append(f"emoji are not translated: {''.join(emoji)}")
    return notes


SHOWN_DIGITS = 24  # a number named in a warning is cut here: a pasted run of 5,000 digits filled the screen


def line_warnings(tr: Translator, t: Translation, line_no: int) -> Iterator[str]:
    """What a user must know about one line's translation: input the model cannot read (another
    language, markup, addresses, emoji: :func:`input_notes`), a line cut short, a tab (a corpus's pair
    given as one sentence), numbers not said, an empty output, an output cut at ``--max-len``."""
    if t.truncated:
        yield f"line {line_no}: longer than {tr.max_src_len} tokens; translated its first {tr.max_src_len}"
    if "\t" in t.source.strip():  # a corpus of pairs given to text: the target column was translated too
        src = language_name(languages(tr)[0])
        yield (
            f"line {line_no}: it holds a tab, as a tab-separated corpus does: every column was translated as "
            f"one sentence; give the {src} column alone (cut -f1 FILE), or score the pairs with translate "
            "eval --corpus FILE"
        )
    for note in input_notes(tr, t):
        yield f"line {line_no}: {note}"
    if t.numbers_missing:  # a wrong number reads as fluently as a right one: say so
        said = ", ".join(n if len(n) <= SHOWN_DIGITS else f"{n[:SHOWN_DIGITS]}…" for n in t.numbers_missing)
        yield f"line {line_no}: the translation does not say {said} as the source does; check its numbers"
    if t.source.strip() and not t.text.strip():  # an empty line printed for a sentence said nothing
        yield f"line {line_no}: the model wrote nothing for it (an undertrained model writes blanks)"
    elif t.cut_at_max_len:  # cut mid-sentence by --max-len: it read as a whole translation, unsaid
        limit = getattr(tr, "max_len", None)  # --max-len, or the model's own
        said = "" if limit is None else f" of {limit} pieces"
        yield (
            f"line {line_no}: the translation is cut short: it reached the length limit{said} before the "
            "model ended it; a larger --max-len lets it finish"
        )


def nonempty(line: str) -> bool:
    return bool(line.strip())


# A window of sentences read ahead is translated at once: Translator.translate sorts it by length into
# batches of --batch-size, so the batches pad little. Windows start at one batch (the first output comes
# at once) and double up to this many batches (measured on 4,000 piped lines, tiny GRU, greedy: windows
# of one batch cost 1.5x the CPU time of sorting the whole input; see docs/translate.md).
WINDOW_BATCHES = 16


def translate_stream(
    tr: Translator,
    batches: Iterable[list[str]],
    emit: Callable[[Translation], None],
    warn: Callable[[str], None],
    attention: bool = False,
    **decode: object,
) -> Translation | None:
    """Translate every batch and ``emit`` each translation in order; returns the first non-empty
    sentence's translation, for a plot; with ``attention``, the first the model decoded, with its
    attention (a line of punctuation or an address alone is copied, not decoded: it has none; a line of
    some hundred sentences is decoded with none kept, :data:`~rnnkit.translate.translator.MAX_ATTENTION_CELLS`).

    Raises RnnkitError when the whole stream holds no text (before anything is emitted: leading empty
    lines wait for the first sentence).
    """
    first: Translation | None = None
    plotted: Translation | None = None  # the first translation the model decoded, for --plot
    held: list[Translation] = []  # empty lines before the first sentence
    line_no = 0
    for batch in batches:
        out = tr.translate(batch, attention=attention and plotted is None, show_progress=False, **decode)
        for t in out:
            if (
                plotted is None and t.src_pieces
            ):  # the first line decoded, its attention too big to keep or not
                plotted = t
            line_no += 1
            for warning in line_warnings(tr, t, line_no):
                warn(warning)
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
    return (plotted or first) if attention else first


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
