"""Typed English as the corpus writes it: one sentence at a time, in sentence case, with its final stop.

Every English sentence of the bundled corpus begins with a capital letter and ends with ``.``, ``?`` or
``!``, and a source line holds one sentence (102 of 47,252 hold two). The model learned from nothing
else, so input typed otherwise reads to it as rare pieces and it guesses:

- ``i am a student`` gave 저는 학생이에요를 하고 있어요를 해요게 해요, ``I AM A STUDENT.`` 저는 택시를
  대고 파린 적이 있어요;
- ``I am a student. I live in Seoul.`` gave 저는 서울에 살아요: the first sentence was dropped.

So, for an English source, the translator reads each sentence on its own (:func:`sentences`, by
sentencex, Wikimedia's rule-based sentence splitter: ``Mr. Kim``, ``7 a.m.`` and ``$3.50`` stay whole)
and as the corpus would write it (:func:`as_the_corpus_writes`: sentence case, the corpus's names
capitalised, a final stop, a common noun opening it in the lower case the model learned it in;
:func:`unwrapped`: no quotation marks or brackets around it, the translation put inside them). Both
leave every sentence of the corpus unchanged, so scores on the corpus's own pairs do not move; what they
do to typed input is measured by ``benchmarks/translate_surface.py`` (docs/RESULTS.md, "Typed input").
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter

# A sentence typed without its final stop is a question when it opens as one: an auxiliary before its
# subject (is it, can you, do your parents, is Minji), or a question word not opening an exclamation or
# a clause (what a day, how kind of you, where I live). On the shipped model's training split, stops
# taken off, this says "?" with precision 0.995 and recall 0.896 of its 6,520 questions (the first word
# alone: 0.987 and 0.881; docs/RESULTS.md, "Typed input"); when unsure it says ".", the safer guess.
AUXILIARIES = frozenset((
    "am", "are", "aren't", "can", "can't", "could", "couldn't", "did", "didn't", "do", "does", "doesn't",
    "has", "hasn't", "have", "haven't", "is", "isn't", "may", "shall", "should", "shouldn't", "was",
    "wasn't", "were", "weren't", "will", "won't", "would", "wouldn't",
))  # fmt: skip
QUESTION_WORDS = frozenset(
    ("how", "how's", "what", "what's", "where", "where's", "which", "who", "who's", "whose", "why")
)
# Auxiliaries that also open a command (do your homework, have a good day): before a determiner they
# say ".", the safer guess; before a pronoun they ask (do you, have you).
IMPERATIVES = frozenset(("do", "have", "has"))
DETERMINERS = frozenset((
    "the", "a", "an", "your", "my", "his", "her", "our", "their", "this", "that", "these", "those", "any",
    "all",
))  # fmt: skip
# What follows an auxiliary that asks: a pronoun or a determiner (is it, can the kids, did your mom)
SUBJECTS = DETERMINERS | frozenset((
    "i", "you", "we", "they", "he", "she", "it", "there", "anyone", "anybody", "someone", "somebody",
    "everyone", "everybody", "everything", "anything", "something",
))  # fmt: skip
# how + these asks (how are you, how much, how long); how + another word exclaims (how kind of you)
HOW_ASKS = frozenset((
    "do", "does", "did", "is", "are", "was", "were", "can", "could", "will", "would", "should", "may",
    "have", "has", "much", "many", "long", "far", "often", "old", "about", "come", "big", "tall", "soon",
    "late", "early",
))  # fmt: skip
FINAL_STOPS = (".", "?", "!", "…")
CLOSERS = "\"')]}’”"  # a quotation or bracket may close after the stop: He said "Stop."
_LATIN = re.compile(r"[A-Za-z]")
_UNTOUCHED = ("@", "://", "www.", "/")  # an e-mail address, a web address, a path: kept as typed
_WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
_WORD_EDGE = re.compile(r"^([a-z]+(?:['’][a-z]+)?)([^\w]*)$")  # a token: a lower-case word, then punctuation
_LONE_I = re.compile(r"(?<![\w'’])i(?=$|[\s,.!?;:]|['’](?:m|ve|ll|d)\b)")


def _address(token: str) -> bool:
    """Whether ``token`` is (part of) an e-mail or web address or a path: kept exactly as typed."""
    return any(mark in token for mark in _UNTOUCHED)


# Words that end with a full stop inside a sentence (Mr. Kim, St. Louis, etc. and): no sentence ends
# after them, typed in lower case or not
_ABBREVIATIONS = frozenset((
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "mt", "ave", "etc", "vs", "vol", "fig", "approx",
    "dept", "est", "min", "max", "sec", "hr", "hrs", "gen", "col", "lt", "sgt", "rev", "inc", "ltd", "co",
))  # fmt: skip
# The stop of a sentence typed without capitals, and the lower-case letter opening the next (group 3):
# after ? or !, or after a full stop that ends a plain word (group 1: not a.m., u.s. or an abbreviation)
# Words users type that the corpus spells another way, each as the corpus spells it. Read as typed, the
# model took OK and Alright for names it never learned (translate/names.py carries those through): "Are
# you OK?" came out OK예요? ("Are you okay?": 괜찮아요?), "Alright, let's go." Alright 씨, 가요. (알겠어요,
# 가요.); and "wifi", "e-mail", "t-shirt" for rare pieces: "The wifi is slow." 상처가 느리대요. (와이파이가
# 느려요.). The corpus: okay in 199 sentences, Wi-Fi 33, T-shirt 8, email 168, all right 13; these spellings
# in none.
RESPELLED = {
    "ok": "okay", "alright": "all right", "wifi": "Wi-Fi", "wi-fi": "Wi-Fi", "e-mail": "email",
    "e-mails": "emails", "t-shirt": "T-shirt", "t-shirts": "T-shirts",
}  # fmt: skip
# One of them as a word of its own: not inside a longer word or an address (ok.ru, x@ok.kr, OK'd); an
# apostrophe makes it part of a word only with a letter on its other side, so a word in single quotes is
# respelled as one in double quotes is ('Alright,' he said. She said 'OK'.).
_RESPELL = re.compile(
    r"(?<![\w@./:-])(?<![^\W\d_]['’])(?:"
    + "|".join(map(re.escape, RESPELLED))
    + r")(?![\w@/-]|['’][^\W\d_]|\.\w)",
    re.I,
)


def _respelled(text: str) -> str:
    """``text`` with the words of :data:`RESPELLED` spelled as the corpus spells them, the sentence's
    first word with a capital."""
    start = next((k for k, ch in enumerate(text) if ch.isalpha()), -1)

    def spelled(m: re.Match) -> str:
        word = RESPELLED[m.group(0).lower()]
        return word[:1].upper() + word[1:] if m.start() == start else word

    return _RESPELL.sub(lambda m: m.group(0) if _may_be_the_name(m) else spelled(m), text)


# Ok is also a Korean surname (Mr. Ok, Ok Taec-yeon): typed in title case it is the name after a title
# or before a capitalised word (a given name, Ok Taec-yeon), where respelled "Ms. Ok is my teacher." came
# out 제 선생님은 제 선생님이에요.; elsewhere it is the word, before a word in lower case, punctuation, or
# the pronoun I ("Ok I'll call you tomorrow.", "That's Ok with me.": kept as a name, they came out
# Ok가 내일 전화할게요. and 그건 저한테 Ok예요.). OK and ok are no name.
_TITLE_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+$", re.I)
_CAPITAL_AFTER = re.compile(r"\s+[\"'‘“(\[]*(?!I\b|I['’])[A-Z]")


def _may_be_the_name(m: re.Match) -> bool:
    """Whether a :data:`_RESPELL` match is the name Ok (see above), to be left as typed."""
    if m.group(0) != "Ok":
        return False
    before, after = m.string[: m.start()], m.string[m.end() :]
    return bool(_TITLE_BEFORE.search(before) or _CAPITAL_AFTER.match(after))


_CASUAL_END = re.compile(r"(?:(?<![\w.])([A-Za-z]{2,})\.|[!?]+)([\"')\]’”]*\s+)([a-z])")


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, stripped, in order (one when it holds one, or none but blanks).

    Sentencex tells a sentence's end by the capital opening the next, so casual text (``ok. see you``,
    ``i said no. he said yes``) would be one sentence. It reads a copy in which a lower-case letter after
    a sentence's stop is a capital (the same length, so its cuts fall where they would in ``text``); a
    full stop after an abbreviation or a dotted word (``mr.``, ``etc.``, ``p.m.``, ``u.s.``) opens nothing."""
    from sentencex import segment

    def capital(match: re.Match) -> str:
        word = match.group(1)
        if word is not None and word.lower() in _ABBREVIATIONS:
            return match.group(0)
        return match.group(0)[:-1] + match.group(3).upper()

    found, start = [], 0
    for part in segment("en", _CASUAL_END.sub(capital, text)):
        found.append(text[start : start + len(part)].strip())
        start += len(part)
    return [s for s in found if s] or [text.strip()]


@functools.cache
def corpus_names() -> dict[str, str]:
    """Lower-case name -> its written form, for the names the bundled corpus's English writes only with
    capitals (``seoul`` -> ``Seoul``, ``atm`` -> ``ATM``, ``new york`` -> ``New York``). Read once, when
    the first casual sentence needs it (a fraction of a second; a well-formed one never does).

    A name is a run of one to three capitalised words inside a sentence (its first word is capitalised
    anyway), seen at least twice, never in lower case. A single word counts only where it also stands
    alone, of at least two letters: ``Mount`` (of Mount Halla), ``States`` and ``Eve`` are parts of
    names, and ``mount``, ``states`` and ``eve`` typed in lower case stay common words."""
    from rnnkit.translate.corpus import bundled_english

    forms: dict[str, Counter] = {}
    alone: Counter = Counter()
    lowered: Counter = Counter()  # words and runs of up to three written in lower case inside a sentence
    for source in bundled_english():
        words = _WORD.findall(source)
        run: list[str] = []
        for k, word in enumerate([*words, ""]):  # "" ends the last run
            if k > 0 and word[:1].isupper() and word.lower() != "i" and not word.lower().startswith("i'"):
                run.append(word)
                continue
            if 1 <= len(run) <= 3:
                forms.setdefault(" ".join(run).lower(), Counter())[" ".join(run)] += 1
                alone[run[0].lower()] += len(run) == 1
            run = []
        small = [k > 0 and w[0].islower() for k, w in enumerate(words)]
        for n in (1, 2, 3):
            lowered.update(
                " ".join(words[k : k + n]) for k in range(1, len(words) - n + 1) if all(small[k : k + n])
            )
    names = {}
    for key, seen in forms.items():
        parts = key.split()
        if sum(seen.values()) < 2 or lowered[key]:  # written in lower case somewhere: common words
            continue
        if len(parts) == 1 and (alone[key] < 2 or len(key) < 2):
            continue
        names[key] = seen.most_common(1)[0][0]
    return names


def _with_names(text: str) -> str:
    """``text`` with the corpus's names capitalised (:func:`corpus_names`), longest first; a word of an
    e-mail or web address is left as typed."""
    names = corpus_names()
    longest = max((len(k.split()) for k in names), default=1)
    out: list[str] = []
    tokens = text.split(" ")
    k = 0
    while k < len(tokens):
        for n in range(longest, 0, -1):
            chunk = tokens[k : k + n]
            if len(chunk) < n or any(_address(t) for t in chunk):
                continue
            words = [_WORD_EDGE.match(t) for t in chunk]
            if not all(words) or any(w[2] and j < n - 1 for j, w in enumerate(words)):
                continue  # a name's words inside, punctuation only after its last
            key = " ".join(w[1] for w in words)  # lower case: _WORD_EDGE matches no capital
            if key in names:
                cased = names[key].split()
                out += [c + w[2] for w, c in zip(words, cased, strict=True)]
                k += n
                break
        else:
            out.append(tokens[k])
            k += 1
    return " ".join(out)


def _unshouted(token: str) -> str:
    """A token of a text typed in capitals, in lower case where the corpus writes its word in lower case
    (``STUDENT``) or only to open a sentence (``WOW``), or where it is one of the corpus's names
    (``SEOUL``: :func:`_with_names` then gives it its capital back); any other word is a name
    (:mod:`~rnnkit.translate.names` carries one the model does not know): one of two or three letters
    stays as typed (``IBM``, ``BBC``), a longer one gets a capital only (``JOHN``: ``John``)."""
    from rnnkit.translate.names import corpus_counts

    word = token.strip(".,!?;:\"'‘’“”()[]")
    key = word.lower()
    lower, capital, inside = corpus_counts()
    opener = capital[key] and not inside[key]  # only ever a sentence's first word: WOW, PLEASE
    if not word.isalpha() or lower[key] or opener or key in corpus_names() or word == "I":
        return token.lower()  # a common word, or a corpus name _with_names writes as the corpus does
    typed = word if len(word) <= 3 else word.capitalize()
    return token.lower().replace(word.lower(), typed, 1)


# Words that title case capitalises and no name holds: a sentence that capitalises one inside is typed in
# title case ("John Is My Friend.", "I Love You."; not "Happy New Year!" or "I met John Smith."). Not
# may and will (May, Will: a month, a name), nor an article (a title's: I read The Little Prince.)
_SMALL_WORDS = (SUBJECTS | AUXILIARIES | frozenset((
    "me", "him", "us", "them", "to", "in", "at", "on", "for", "with", "from", "about", "by", "into",
    "and", "or", "but", "so", "not", "very", "too",
))) - {"may", "will", "the", "a", "an"}  # fmt: skip


def title_cased(tokens: list[str]) -> bool:
    """Whether a sentence of ``tokens`` (split at spaces) is typed in title case: a word inside it, not
    after a stop, is one of :data:`_SMALL_WORDS` with a capital only (``Is``, not ``IT``). Its capitals
    then say nothing of names: the model read "John Is My Friend." as one name and "I Love You." as
    신이 졌어요."""
    for before, token in itertools.pairwise(tokens):
        word = token.strip("\"'‘’“”()[],;:.!?")
        if before.rstrip(CLOSERS).endswith((".", "!", "?")) or not word[:1].isupper():
            continue
        if word.lower() in _SMALL_WORDS and not word.isupper():
            return True
    return False


def _untitled(token: str, typed: str) -> str:
    """A ``token`` of a text typed in title case, once made lower case and given the corpus's names'
    capitals (``new`` -> ``New`` of New York): back as ``typed`` where the corpus never writes its word
    in lower case (``John``, ``IBM``, ``York`` alone), else as it is now (``is``, ``friend``)."""
    from rnnkit.translate.names import corpus_counts

    word = typed.strip(".,!?;:\"'‘’“”()[]")
    if token != typed.lower() or not word.isalpha() or corpus_counts()[0][word.lower()]:
        return token
    return typed


# Words after which a word the corpus never writes in lower case is a name: "my name is john", "call me
# kate", "this is mike", "i met sarah", "my friend john", "hi emily". (Not after "i'm": "i'm tird" is
# more often a typo than a name.)
_INTRODUCES = re.compile(
    r"\b(name is|name's|call me|named|this is|meet|met|hi|hello|hey"
    r"|my (?:friend|brother|sister|cousin|boss|teacher|son|daughter|husband|wife|boyfriend|girlfriend"
    r"|roommate|neighbor|neighbour|colleague|coworker)) (?=([a-z][a-z-]+)((?: [a-z][a-z-]+)?))"
)  # the name is looked ahead at, not taken: "this is my friend john" is read at "this is" and "my friend"


# A greeting opening a sentence, before the name it greets: the corpus puts a comma between (Hi, Junho.
# 7 times, Hi Junho. never), and the model read "Hi Emily." as Emily예요 (It is Emily) and "Hello John!"
# as John 씨가 안녕하세요!
_GREETING = re.compile(
    r"^([\"'‘“(\[]*(?:hi|hello|hey|thanks|thank you|good (?:morning|afternoon|evening|night)|bye|goodbye"
    r"|congratulations|sorry|happy birthday)) (?=[A-Z])(?!I\b|I['’])",
    re.IGNORECASE,
)


def _comma_after_greeting(text: str) -> str:
    """``text`` with a comma after a greeting that opens it before a capitalised name (:data:`_GREETING`:
    ``Hi John.`` is read ``Hi, John.``)."""
    match = _GREETING.match(text)
    if match is None or not text[match.end()].isupper():  # IGNORECASE lets [A-Z] match a small letter
        return text
    return f"{match.group(1)}, {text[match.end() :]}"


def _named_after_introductions(text: str) -> str:
    """``text`` with a word the corpus never writes in lower case capitalised where it follows an
    introduction (:data:`_INTRODUCES`; and a second such word after it, a surname), so that a name typed
    without its capital is read as a name (``my name is john smith``: John Smith, carried by
    :mod:`~rnnkit.translate.names`; ``my name is minji``: Minji, a corpus name). Elsewhere an unknown
    lower-case word is left alone: it is more often a rare word the model reads by its pieces."""
    from rnnkit.translate.names import corpus_counts

    lower = corpus_counts()[0]

    def unknown(word: str) -> bool:  # never written in lower case: no word of the corpus, or a name
        return not any(lower[part] for part in word.split("-") if part)

    starts = set()  # where each part of a name begins: the name, a surname the corpus never writes either
    for match in _INTRODUCES.finditer(text):
        names = [2, 3] if match.group(3) and unknown(match.group(3).strip()) else [2]
        if unknown(match.group(2)):
            for group in names:  # Jean-Luc: each part of a hyphenated name
                word, at = match.group(group).lstrip(), match.end(group) - len(match.group(group).lstrip())
                starts.update(at + j for j, ch in enumerate(word) if j == 0 or word[j - 1] == "-")
    return "".join(ch.upper() if k in starts else ch for k, ch in enumerate(text))


# A word opening a sentence is a noun where the corpus writes it after an article or a possessive at least
# this share of the times it writes it in lower case: dinner 21 of 532 (for dinner, have dinner), breakfast
# 5 of 151, party 123 of 254; not of (92 of 3,390: the rest of), was, this (the words' pairs are counted
# across clauses: "that this")
NOUN_SHARE = 0.03
_FUNCTION_WORDS = DETERMINERS | SUBJECTS | AUXILIARIES | QUESTION_WORDS


def _opening(sentence: str) -> tuple[str, ...]:
    """The first three words of ``sentence``, lower-cased and without punctuation, fewer where a stop
    ends it sooner (``Dinner was amazing.``: dinner, was, amazing)."""
    words: list[str] = []
    for token in sentence.split()[:3]:
        words.append(token.strip(".,!?;:\"'‘’“”()[]…").lower())
        if token.rstrip(CLOSERS).endswith(FINAL_STOPS):
            break
    return tuple(words)


@functools.cache
def corpus_openings() -> frozenset[tuple[str, ...]]:
    """How the bundled corpus opens its sentences (:func:`_opening`), at a line's start or after a stop
    inside one."""
    from rnnkit.translate.corpus import bundled_english

    found = set()
    for line in bundled_english():
        starts = [0] + [m.end() for m in re.finditer(r"[.!?…][\"')\]’”]* +", line)]
        found.update(_opening(line[at:]) for at in starts)
    return frozenset(found)


@functools.cache
def _after_he_or_she() -> Counter:
    """How often the bundled corpus writes each word right after ``he`` or ``she`` (he was, she called)."""
    from rnnkit.translate.corpus import bundled_english

    return Counter(re.findall(r"\b(?:he|she) ([a-z']+)", "\n".join(bundled_english()).lower()))


def _is_verb(word: str) -> bool:
    """Whether ``word`` (lower case) is a verb as a noun's: one the corpus writes after he or she at
    least twice (was, is, starts, called; not to, as after you: I want you to), not a determiner or a
    conjunction (he a, he and: where a clause ends between)."""
    return _after_he_or_she()[word] >= 2 and word not in DETERMINERS | {"and", "or", "but"}


def _noun_opening(text: str) -> str:
    """``text`` with its first word in lower case where it is a common noun, the subject of the verb
    after it, that the corpus writes in lower case, as a name seldom ("Party was fun.", "Bus is late.",
    "Weather's nice.": the corpus writes "the party was fun", "by bus", once "Express Bus"). The model
    learned such a word in lower case, and capitalised read it as rare pieces, or as a piece seen only in
    a few openings (Party: ``▁Par ty``; "Party was fun." gave 그 사람은 재미있었어요., "party was fun."
    파티가 재미있었어요.). An opening of the corpus's own is left as written, so every sentence of the
    corpus reads as before (:func:`corpus_openings`: Dinner was amazing.), and so is a name
    (:func:`~rnnkit.translate.names.opens_with_a_name`: "Bill is my friend.", "Mark called me.")."""
    from rnnkit.translate.names import MIN_SEEN, corpus_counts, opens_with_a_name, word_contexts

    words = text.split(" ")
    first = words[0]
    word, contracted = re.subn(r"['’]s$", "", first)  # Weather's nice: weather is
    if len(words) < 2 or not (word.isascii() and word.isalpha() and word.istitle()):
        return text
    key = word.lower()
    verb = "is" if contracted else words[1].strip(".,!?;:\"'‘’“”()[]…").lower()
    lower, _, inside = corpus_counts()
    if not lower[key] or inside[key] >= MIN_SEEN or _opening(text) in corpus_openings():
        return text  # no word of the corpus, one of its names, or an opening the corpus writes
    seen = word_contexts()
    noun = seen["article"][key] + seen["possessive"][key] >= NOUN_SHARE * lower[key]  # the party
    if key in _FUNCTION_WORDS or not noun or not _is_verb(verb) or opens_with_a_name(text):
        return text
    return key + text[len(word) :]


def as_the_corpus_writes(sentence: str) -> str:
    """``sentence`` in the corpus's surface form, where it is not (a sentence the corpus could hold comes
    back unchanged): letters all in capitals made lower case (in title case: :func:`_untitled`), then the corpus's names given their
    capitals (:func:`corpus_names`: ``I LIVE IN SEOUL`` and ``i live in seoul`` are read ``I live in
    Seoul.``), a lone ``i`` made ``I``, the first letter a capital, and a final ``?`` (where it opens
    as a question, :func:`_asks`) or ``.`` where it has no final stop; then, written so or typed so, a
    common noun opening it in lower case (:func:`_noun_opening`: ``Party was fun.`` is read ``party was
    fun.``); and, written so or typed so, the words the corpus spells another way spelled its way
    (:data:`RESPELLED`: ``Are you OK?`` is read ``Are you okay?``). An e-mail or web address is left as
    typed."""
    text = sentence.strip()
    if not _LATIN.search(text):  # no English word (Korean, emoji, a lone number): nothing to put in form,
        return text  # and the translator's warning about input it cannot read must see it as typed
    letters = [ch for ch in text if ch.isalpha()]
    n_words = sum(any(ch.isalpha() for ch in word) for word in text.split())
    shouted = n_words >= 2 and all(ch.isupper() for ch in letters)  # I AM A STUDENT. (not "OK." or "USA!")
    titled = not shouted and title_cased(text.split())  # John Is My Friend.
    first = next((k for k, ch in enumerate(text) if ch.isalpha()), None)
    stopped = text.rstrip(CLOSERS).endswith(FINAL_STOPS)
    if not (shouted or titled or not stopped or (first is not None and text[first].islower())):
        # as the corpus writes: its case is the writer's
        return _respelled(_comma_after_greeting(_noun_opening(text)))
    if shouted:
        text = " ".join(t if _address(t) else _unshouted(t) for t in text.split(" "))
    typed = text.split(" ")
    if titled:  # every word in lower case, for the corpus's names to get their capitals back (New York)
        text = " ".join(t if _address(t) else t.lower() for t in typed)
    text = _named_after_introductions(_with_names(text))
    if titled:
        text = " ".join(_untitled(now, was) for now, was in zip(text.split(" "), typed, strict=True))
    text = " ".join(t if _address(t) else _LONE_I.sub("I", t) for t in text.split(" "))
    if first is not None and text[first].islower() and not text[:first].strip("\"'‘“(["):
        text = text[:first] + text[first].upper() + text[first + 1 :]
    if text and not stopped:
        body = text.rstrip(CLOSERS)  # "where is the station" -> "Where is the station?" inside the quote
        stop = "?" if _asks([w.strip("\"'‘“([,") for w in body.split()]) else "."
        text = body + stop + text[len(body) :]
    return _respelled(_comma_after_greeting(_noun_opening(text)))


# Marks that may wrap a whole sentence, each with the mark that closes it
WRAPPERS = {'"': '"', "“": "”", "'": "'", "‘": "’", "(": ")", "[": "]"}


def _marked_inside(text: str, marks: str) -> bool:
    """Whether one of ``marks`` stands in ``text`` other than as an apostrophe between letters (I'm)."""
    return any(
        ch in marks and not (0 < k < len(text) - 1 and text[k - 1].isalpha() and text[k + 1].isalpha())
        for k, ch in enumerate(text)
    )


def unwrapped(sentence: str) -> tuple[str, str, str]:
    """``sentence`` as (the marks that open it, the sentence inside, the marks that close it), where it
    is typed whole inside quotation marks or brackets (``"I am a student."``, ``(I am tired.)``); else
    ``("", sentence, "")``. The corpus writes no sentence so, and the model read ``[I am tired.]`` as
    그 사람은 피곤했어요 and ``“Where is the station?”`` as 그 역은 역이 얼마나 역에서 있어요?: the
    translator reads the sentence inside and puts its translation inside the same marks. A mark that
    also stands inside (``"Hi," he said, "bye."``) wraps nothing."""
    opening, text, closing = "", sentence.strip(), ""
    while len(text) >= 2 and text[0] in WRAPPERS and text[-1] == WRAPPERS[text[0]]:
        inner = text[1:-1]
        if _marked_inside(inner, text[0] + text[-1]):
            break
        opening, closing, text = opening + text[0], text[-1] + closing, inner.strip()
    return opening, text, closing


def _asks(words: list[str]) -> bool:
    """Whether a sentence of ``words`` (its stop missing) opens as a question: an auxiliary before its
    subject (:data:`AUXILIARIES`, :data:`SUBJECTS`), or a question word (:data:`QUESTION_WORDS`) that
    opens no exclamation or clause."""
    if not words:
        return False
    first, second = words[0].lower(), words[1] if len(words) > 1 else ""
    if first in AUXILIARIES:
        if first in IMPERATIVES and second.lower() in DETERMINERS:  # do your homework, have a good day
            return False
        return second.lower() in SUBJECTS or second[:1].isupper() or second.lower().endswith("'s")
    if first in QUESTION_WORDS:
        if second.lower() in ("a", "an", "i", "we", "they", "he", "she"):  # what a day; where I live
            return False
        return first != "how" or second.lower() in HOW_ASKS
    return False
