"""Names the model never learned, carried through names it knows (placeholder translation).

The bundled corpus names a few dozen people and places (Junho, Minji, Busan, Seoul). A name it never
saw is only a string of sub-word pieces to the model, which then writes any word it likes: "My name is
John." gave ``제 이름은 제 이름을 외우고 있어요.`` and "I work at Google." ``저는 회사에 있을 때
일해요.``. The standard cure for rare names in neural translation is a placeholder (Crego et al. 2016,
"SYSTRAN's Pure Neural Machine Translation Systems", section 5): put a name the model translates well
in the unknown name's place, translate, and put the name back into the output.

Here the placeholders are names of the bundled corpus, people (Junho -> 준호, ...) and cities (Busan ->
부산, ...), so the model builds the sentence around them as it learned to::

    My name is John.   ->  My name is Junho.  ->  제 이름은 준호예요.  ->  제 이름은 John이에요.
    I work at Google.  ->  I work at Busan.   ->  저는 부산에서 일해요.  ->  저는 Google에서 일해요.

The name goes back in the Latin letters it was typed in (rnnkit does not transliterate), and the
particle after it is the form its sound takes (``이에요`` after John's final n, ``예요`` after
Junho's vowel: :func:`particle_for`). A name said again takes a placeholder of its own, and once every
placeholder is taken the one it took before (:func:`swap_names`). The translator chooses among the beam's
hypotheses those that say each placeholder once, or no more often than the source
(:func:`keeps_placeholders`); where none does, the swap is not trusted and the sentence is translated as
typed instead (:func:`put_back` says so).

A word counts as an unknown name when it is written with a capital, is not ``I``, and the corpus's
English side never writes it, or writes it as a name inside a sentence fewer than :data:`MIN_SEEN` times
(:func:`is_unknown_name`): ``John``, ``Google``, ``IBM``, ``Texas``; not ``Please``, ``Seoul``, ``Spain``
or ``Monday``. A name after ``in``, ``at``, ``on``, ``from``, a verb of going ``to`` or a verb of working
``for`` is taken for a place (a city, a company, a website); any other for a person (:func:`is_place`).

Some runs of names take one placeholder: a list of three or more closed by ``and`` (John, Mary, Kate and
Anna: the model dropped one of four), and a place with its region after a comma in a statement (Dallas,
Texas); a shop's ``'s`` is its name's (at McDonald's). A sentence may open with a name the corpus writes
only as a noun that needs an article (Bill is my friend: :func:`_opens_with_a_name`), and an adverb the
corpus never writes, made of its words, opening a sentence with a comma is carried as an adverb through
``Honestly`` (Meanwhile, I went home. -> ``Meanwhile, 집에 갔어요.``), not as a person addressed.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

PEOPLE = (("Junho", "준호"), ("Minji", "민지"), ("Sora", "소라"), ("Jisu", "지수"))
"""Person placeholders: corpus names the shipped model translates reliably, each ending in a vowel."""

PLACES = (("Busan", "부산"), ("Daegu", "대구"))
"""Place placeholders (Jeju is not one: the model often writes it 제주도, Jeju Island)."""

ADVERB = ("Honestly", "솔직히")
"""The placeholder of an adverb the model never learned opening a sentence (Meanwhile, Moreover): the
corpus opens 18 sentences with ``Honestly,``, and the shipped model writes it 솔직히 before the rest
translated as without it."""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# a word before the name that makes it a place: "live in X", "work at X", "come from X", "visit X"
_PLACE_AFTER = _words("in at on from near visit visited visiting into around leave left leaving")
# "to X" is a place after a verb of going ("go to X"), a person otherwise ("talk to X", "give it to X")
_GOING = _words(
    "go goes went going gone come comes came coming fly flew flying move moved moving travel traveled"
    " travelled traveling travelling drive drove driving walk walked get got trip way ticket tickets"
    " train bus flight return returned back welcome been"
)
# "for X" is a place (a company) after a verb of working ("work for X"), a person otherwise ("wait for X")
_WORKING = _words("work works worked working")
# "at X" is a person after a verb of looking or feeling ("look at X", "angry at X")
_AT_PERSON = _words(
    "look looked looking smile smiled smiling laugh laughed shout shouted yell yelled stare stared"
    " staring angry mad wave waved"
)

# a word before a name that makes the word after it a name, even one the corpus writes in lower case
# (Mrs. Brown, Mr. White); not one it writes as a name MIN_SEEN times or more (Mr. Kim, Ms. Park)
_TITLES = _words("mr mrs ms miss mx dr prof professor sir uncle aunt")
# a title shortened in a way the corpus never writes, before a capitalised name: read as the word it writes
# ("Prof. Smith is here." was read "Junho. Minji is here.": Prof taken for a name, its stop for a sentence's)
_TITLE_WORDS = {"prof": "Professor"}
# (capitalised: "She is a prof. John is a student." ends a sentence at "prof.")
_SHORT_TITLE = re.compile(
    r"\b(?P<title>" + "|".join(f"{w.title()}|{w.upper()}" for w in _TITLE_WORDS) + r")\.?(?= [A-Z])"
)
# initials, the last one's full stop left to the token's punctuation: F (John F. Kennedy), J.K, U.S, D.C
_INITIALS = re.compile(r"(?:[A-Z]\.)*[A-Z]")
# words shortened with a full stop inside a name: St. Louis, Mt. Everest, Ft. Worth, King Jr.
_NAME_ABBREVIATIONS = _words("St Mt Ft Pt Jr Sr Capt Sgt Gen Col Lt Rev Gov Sen Rep Pres Hon")
# a small word inside a name: Rio de Janeiro, Leonardo da Vinci, Vincent van Gogh
_NAME_LINKS = _words("de da del della di do dos das du van von der den la le al bin ibn")
# what may follow the second of two places ("visited Osaka and Kyoto last year"); a verb does not ("I
# live in Boston and John lives in Chicago": John is a person)
_AFTER_A_PLACE = _words(
    "in on at with for last this next yesterday today tonight tomorrow every before after during by to from"
    " and or"
)

RARE_WORD = 20
"""A word the corpus writes in lower case fewer times than this, typed with a capital inside a sentence,
is a name (apple 10 times, maple once: I work for Apple, Maple Street); one it writes more often is a
word typed with a capital (bank 155, church 31: I went to the Bank)."""

MIN_SEEN = 3
"""A corpus name written inside a sentence fewer times than this is carried too: the shipped model wrote
Kevin, Texas and Jiwon (once inside a sentence) as other words, and Spain, Osaka and Chuncheon (4 to 8
times) right."""

MAX_NAME = 60
"""The most characters a name carried through a placeholder may have, as typed (all its words, a list's
commas): four times the corpus's longest (Gyeongbokgung, 13), room for a list (Boston, Chicago, Denver)
and the longest one-word place names people write (Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch,
58). A longer run of letters is no name: it was copied through whole, ten thousand characters of
``"a" * 10000`` out and not flagged as truncated; read as typed, the model reads what fits and says so."""

# A name's letters (accented too: José, Zoë) and hyphens, parts joined by an apostrophe (O'Brien); its
# capitals are checked apart (_capitalised), as no [A-Z] holds É
_LETTER = r"[^\W\d_]"
_NAME = re.compile(rf"{_LETTER}(?:{_LETTER}|-)*(?:['’]{_LETTER}(?:{_LETTER}|-)*)*")
_NAME_PARTS = re.compile(r"[-'’]")
_TOKEN = re.compile(r"^([\"'‘“(\[]*)(.*?)((?:['’]s)?[\"'’”)\].,!?;:]*)$")  # lead, word, possessive + trail
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_KOREAN_WORD = re.compile(r"[\uac00-\ud7a3]+")
_LATIN = re.compile(r"[A-Za-z]")

# (after a vowel, after a consonant): the particles whose form follows the sound before them (put_back
# reads the longest that matches, 이에요 before 이; 로 / 으로 is handled apart: ㄹ takes 로)
_PARTICLES = (
    ("였어요", "이었어요"),
    ("예요", "이에요"),
    ("라서", "이라서"),
    ("여서", "이어서"),
    ("라고", "이라고"),
    ("든지", "이든지"),
    ("랑", "이랑"),
    ("는", "은"),
    ("가", "이"),
    ("를", "을"),
    ("와", "과"),
    ("나", "이나"),
    ("면", "이면"),
    ("라는", "이라는"),
    ("고", "이고"),
    ("죠", "이죠"),
    ("세요", "이세요"),
    ("니까", "이니까"),
    ("요", "이요"),  # 누구요? 준호요. -> John이요
    ("야", "아"),  # calling: 준호야 -> John아
)
_RO = ("로", "으로")
_STACKED = frozenset("도는은요의만")  # what may follow a particle inside one word (랑도, 랑은, 로는)

# letters read out in an acronym whose Korean name ends in a consonant: L 엘, M 엠, N 엔, R 알
_ACRONYM_CONSONANTS = frozenset("LMNR")


@functools.cache
def corpus_counts() -> tuple[Counter, Counter, Counter]:
    """How often the bundled corpus's English side writes each word (lower-cased key): in lower case,
    with a capital, and with a capital inside a sentence (a name). Read once, when the first sentence
    with a capitalised word is translated: whole-text regular expressions, about 0.2 s (a word loop
    over the parsed corpus took twice that, on every ``translate text``)."""
    from rnnkit.translate.corpus import bundled_english

    english = "\n".join(bundled_english())
    lower: Counter = Counter()
    for word, n in Counter(re.findall(r"(?<![A-Za-z])[a-z][A-Za-z]*", english)).items():
        lower[word.lower()] += n
    capital = Counter(w.lower() for w in re.findall(r"(?<![A-Za-z])[A-Z][A-Za-z]*", english))
    first = Counter(w.lower() for w in re.findall(r"^[^A-Za-z\n]*([A-Z][A-Za-z]*)", english, re.M))
    return lower, capital, capital - first


# words before a noun that needs one (a count noun: the bill), and words before a bare word: a verb (I
# hope, please mark), a noun that needs none (at dawn, for dinner); the subjects, before a verb (he is)
_ARTICLES = _words("a an the this that every each one another no any")
_POSSESSIVES = _words("my your his her our their")
_SUBJECTS = _words("i you he she we they")
_BEFORE_BARE = _words(
    "i you we they he she it to at in on of for from with by since until till before after about into"
    " without will would can could should must might please don't let's"
)


@functools.cache
def word_contexts() -> dict[str, Counter]:
    """How often the bundled corpus writes each lower-case word right after an article
    (:data:`_ARTICLES`: the bill), a possessive (:data:`_POSSESSIVES`: my mother), a subject
    (:data:`_SUBJECTS`: he is) and a word that takes a bare word (:data:`_BEFORE_BARE`: I hope, at
    dawn). Read once, when a sentence opens with a word the corpus never capitalises: one regular
    expression over the whole text, as :func:`corpus_counts` (0.8 s on the shared box under load)."""
    from rnnkit.translate.corpus import bundled_english

    english = "\n".join(bundled_english())
    # each word and the lower-case word after it, a space between (the second read ahead: pairs overlap)
    pairs = Counter(re.findall(r"(?<![A-Za-z'])([A-Za-z']+) +(?=([a-z][a-z']*)(?![A-Za-z']))", english))
    groups = {"article": _ARTICLES, "possessive": _POSSESSIVES, "subject": _SUBJECTS, "bare": _BEFORE_BARE}
    seen: dict[str, Counter] = {group: Counter() for group in groups}
    for (before, word), n in pairs.items():
        for group, befores in groups.items():
            if before.lower() in befores:
                seen[group][word] += n
    return seen


def _opens_with_a_name(words: list[str], parts: list[re.Match]) -> bool:
    """Whether the sentence's first word, one the corpus writes in lower case, is a name, as the subject
    of the verb after it ("Bill is my friend." was read as the bill: 아침은 제 친구예요.): the corpus
    never writes the word with a capital (opens no sentence with it), and writes it only as a noun that
    needs an article (the bill; never I hope, at dawn), which no subject goes without; not one said
    mostly of someone's (my mother, my boss: Mother is cooking names her by the word), nor a plural
    (Bills are due), or one it barely writes (fewer than :data:`RARE_WORD` times: mark 4 times, Mark
    called me). Before a name it is one (Bill Gates); before a verb only where the sentence says
    what the corpus says of a person (:func:`said_of_a_person`: Bill is my friend, Bill called me), as
    "Party was fun." and "Internet is slow." say it of things (they were read as names: Party가
    재미있었어요.)."""
    if len(words) < 2 or parts[0][1] or parts[0][3] or not _capitalised(words[0]) or "-" in words[0]:
        return False
    word = words[0].lower()
    lower, capital, _ = corpus_counts()
    if capital[word] or not lower[word] or (word.endswith("s") and lower[word[:-1]]):
        return False
    seen = word_contexts()
    noun = seen["article"][word] > seen["possessive"][word] and not seen["bare"][word]
    if not noun and lower[word] >= RARE_WORD:
        return False  # a word the corpus writes often, and not as a noun that needs an article
    if _in_name(words[1]) and not parts[1][1]:
        return True  # Bill Gates
    return seen["subject"][words[1].lower()] > 0 and said_of_a_person(words[1:])


def opens_with_a_name(sentence: str) -> bool:
    """Whether ``sentence`` opens with a word the corpus writes in lower case that is a name here, the
    subject of what is said of a person ("Bill is my friend.", not "Party was fun.": :func:`swap_names`
    carries the first; :mod:`~rnnkit.translate.surface` reads the second's first word as the corpus
    writes it, in lower case)."""
    from rnnkit.translate.surface import title_cased

    tokens = sentence.split(" ")
    parts = [_TOKEN.match(t) for t in tokens]
    if any(p is None for p in parts) or title_cased(tokens):
        return False
    return _opens_with_a_name([p[2] for p in parts], parts)


# Words between a subject and what is said of it: a form of be, a determiner, an intensifier (he is my
# friend, it was so fun): what follows them says whether the subject is a person
_LINKING = _words(
    "is was are were am be been being 's my a an the very so really too his her your our their its not also just"
)


@functools.cache
def _said_of() -> tuple[Counter, Counter]:
    """How often the corpus says each word of a person (within four words after he or she, past the
    words of :data:`_LINKING`: he is my *friend*, she *called* me) and of a thing (after it: it was *fun*)."""
    from rnnkit.translate.corpus import bundled_english

    english = re.sub(r"\b(he|she|it)['’]s\b", r"\1 is", "\n".join(bundled_english()).lower())
    person: Counter = Counter()
    thing: Counter = Counter()
    for subject, after in re.findall(r"\b(he|she|it) (?=((?:[a-z']+ ?){1,4}))", english):
        said = next((w for w in after.split() if w not in _LINKING), None)
        if said is not None:
            (thing if subject == "it" else person)[said] += 1
    return person, thing


def said_of_a_person(rest: list[str]) -> bool:
    """Whether the words ``rest`` after a subject say what the corpus says of a person, not of a thing:
    their first word past a form of be and a determiner (:data:`_LINKING`) follows he or she at least
    twice, and more than twice as often as it follows it (friend 4 and 0 times, called 19 and 2, tired
    4 and 0; fun 0 and 10, slow 0 and 4, delicious 0 and 7)."""
    words = [w.strip(".,!?;:\"'‘’“”()[]").lower() for w in rest]
    said = next((w for w in words if w and w not in _LINKING), None)
    if said is None:
        return False
    person, thing = _said_of()
    return person[said] >= 2 and person[said] > 2 * thing[said]


def _built_of_words(word: str) -> bool:
    """Whether ``word``, one the corpus never writes, is made of words it writes in lower case: an adverb
    of one (similarly, basically, hopefully), two words, the second of four letters or more (meanwhile,
    moreover, however, thereafter), or three (nevertheless); a name seldom is (John, Kevin; Carmen,
    Newman and Carson end in a word of three letters). One that is (Madeline: made + line) is still put
    back as typed, with the comma it was typed with."""
    lower = corpus_counts()[0]
    w = word.lower()
    # the stem of an adverb: sad-ly, happ-ily (happy), prob-ably (probable), bas-ically (basic)
    endings = (("ly", ""), ("ily", "y"), ("bly", "ble"), ("ically", "ic"))
    stems = [w[: -len(end)] + stem for end, stem in endings if w.endswith(end)]
    if any(len(stem) >= 3 and lower[stem] for stem in stems):
        return True
    return _words_of(w, 2, last=4) or _words_of(w, 3, last=3)


def _words_of(word: str, n: int, last: int) -> bool:
    """Whether ``word`` parts into ``n`` words the corpus writes in lower case, each of three letters or
    more, the last of ``last`` or more."""
    lower = corpus_counts()[0]
    if n == 1:
        return len(word) >= last and lower[word] > 0
    return any(lower[word[:i]] and _words_of(word[i:], n - 1, last) for i in range(3, len(word) - 2))


def _opens_with_a_word(words: list[str], parts: list[re.Match]) -> bool:
    """Whether the sentence opens with a word followed by a comma that is an adverb, not a name
    addressed: one :func:`_built_of_words` ("Meanwhile, I went home." was read as a person addressed:
    Meanwhile 씨, 집에 갔어요.; "John, I went home." is one); not before a name ending a clause, as a
    place's region does ("Portland, Oregon.")."""
    if len(words) < 2 or parts[0][3] != "," or parts[0][1] or (_capitalised(words[1]) and parts[1][3]):
        return False
    return _built_of_words(words[0])


def _capitalised(word: str) -> bool:
    """Whether ``word`` is written as a name is: letters and hyphens opening with a capital (``John``,
    ``José``, ``Jean-Luc``), a capital after an apostrophe too (``O'Brien``; not ``Don't``), not ``I``."""
    if not _NAME.fullmatch(word) or word == "I":
        return False
    return all(part[:1].isupper() for part in re.split("['’]", word))


def is_unknown_name(word: str) -> bool:
    """``word`` is written with a capital, is not ``I``, and the model cannot be trusted to know it: the
    corpus never writes it, or writes it only as a name (with a capital, inside a sentence too), inside a
    sentence fewer than :data:`MIN_SEEN` times. A word the corpus writes in lower case (``Please``) or only
    opening a sentence (``Oops``) is a word the model read, not a name."""
    if not _capitalised(word):
        return False
    lower, capital, inside = corpus_counts()
    for part in filter(None, _NAME_PARTS.split(word.lower())):
        if lower[part]:
            continue
        if not capital[part] or 0 < inside[part] < MIN_SEEN:
            return True
    return False


def _named_by_its_capital(words: list[str], k: int, titled: bool = False) -> bool:
    """Whether ``words[k]``, a word the corpus writes in lower case, is a name here: capitalised inside
    the sentence, where the corpus never writes it as a name :data:`MIN_SEEN` times, and either after a
    title (:data:`_TITLES`: Mrs. Brown, Mr. White) or a word the corpus writes in lower case fewer than
    :data:`RARE_WORD` times (I work for Apple, Thanks, Mark): the model barely read it, never as a name;
    not in a sentence ``titled`` (:func:`~rnnkit.translate.surface.title_cased`: I Love Seafood), where capitals are the style."""
    if k == 0 or not _capitalised(words[k]):
        return False
    lower, _, inside = corpus_counts()
    parts = [part for part in _NAME_PARTS.split(words[k].lower()) if part]
    if any(inside[part] >= MIN_SEEN for part in parts):
        return False  # the corpus's own names: Mr. Kim, Ms. Park, on Monday
    if words[k - 1].lower() in _TITLES and _capitalised(words[k - 1]):  # Mr. White; not "a prof. He"
        return True
    return not titled and all(lower[part] < RARE_WORD for part in parts)


def is_place(before: list[str]) -> bool:
    """Whether a name after the lower-case words ``before`` (nearest last) is a place, not a person; an
    article between does not count (``in the USA`` is ``in USA``)."""
    if before[-1:] == ["the"]:  # "in the USA", "at the Hilton", "went to the Louvre"
        before = before[:-1]
    if not before:
        return False
    last = before[-1]
    if last == "to":  # "go to X", and "from Toronto to X" (a name of up to three words between)
        return len(before) > 1 and (before[-2] in _GOING or "from" in before[-5:-2])
    if last == "at":
        return not (len(before) > 1 and before[-2] in _AT_PERSON)
    if last == "for":
        return len(before) > 1 and before[-2] in _WORKING
    return last in _PLACE_AFTER


def _korean_words(sentence: str, words: list[str]) -> frozenset[int]:
    """Where ``words`` are Korean words (Hangul syllables only) pasted into an English ``sentence``
    (more Latin letters than Hangul ones): "I like 김치 very much." The English model reads them as
    unknown pieces and drops them (저는 정말 좋아해요.); they are carried as names are, and put back as
    typed, which is what they are in the Korean translation. A line mostly in Korean is left alone (it is
    no English sentence: ``translate text`` says so)."""
    if len(_LATIN.findall(sentence)) <= len(_HANGUL.findall(sentence)):
        return frozenset()
    return frozenset(k for k, w in enumerate(words) if len(w) <= MAX_NAME and _KOREAN_WORD.fullmatch(w))


def _korean_name_ends(words: list[str], parts: list[re.Match], k: int, korean: frozenset[int]) -> int:
    """Where the run of Korean words opening at ``words[k]`` ends (김치 찌개: one name), until punctuation."""
    end = k
    while end + 1 in korean and not parts[end][3]:
        end += 1
    return end


def sound_of(name: str) -> str:
    """How ``name`` ends when said in Korean: ``"vowel"``, ``"rieul"`` (an ㄹ) or ``"consonant"``.
    Loanword spelling ends Paul, Google and Kyle in ㄹ (폴, 구글, 카일), John and Tom in ㄴ and ㅁ, Jane
    and Jerome (a silent e) too (제인, 제롬), Jack and Bob (a p, t, k or b after one short vowel) in ㄱ and
    ㅂ, Eric and Isaac (a final c) in ㄱ; other endings take a vowel (Mike 마이크, James 제임스, Peter
    피터). An acronym of up to three letters, or with no vowel, ends as its last letter's name (IBM: 엠, a
    consonant; HTML: 엘); a longer one is read as a word (NASA 나사, JACK 잭)."""
    if _HANGUL.fullmatch(name[-1:]):  # a Korean word: its last syllable's final consonant, if any
        final = (ord(name[-1]) - 0xAC00) % 28
        return "vowel" if final == 0 else "rieul" if final == 8 else "consonant"
    word = name.split()[-1].replace(".", "")  # U.S.: US
    # read letter by letter: IBM, HTML (no vowel); NASA and JACK are read as words (나사, 잭)
    if word.isupper() and len(word) > 1 and (len(word) <= 3 or not any(c in "AEIOU" for c in word)):
        return "rieul" if word[-1] in "LR" else "consonant" if word[-1] in _ACRONYM_CONSONANTS else "vowel"
    w = word.lower()
    vowels = "aeiouy"
    if w.endswith(("l", "le")):  # Paul 폴, Google 구글, Kyle 카일, Nicole 니콜
        return "rieul"
    if w.endswith(("m", "n", "ng")):
        return "consonant"
    if len(w) >= 3 and w[-2:] in ("ne", "me") and (w[-3] in vowels or w[-3] in "nmr"):
        return "consonant"  # a silent e: Jane 제인, Anne 앤, Jerome 제롬, Bourne 본 (not Daphne 대프니)
    if w.endswith(("c", "ck", "pp", "tt", "bb", "kk")) or (
        len(w) >= 3 and w[-1] in "ptkb" and w[-2] in vowels and w[-3] not in vowels
    ):
        return "consonant"
    return "vowel"


def particle_for(sound: str, particle: str) -> str:
    """``particle`` (either form) in the form that follows ``sound`` (:func:`sound_of`)."""
    if particle in _RO:
        return _RO[1] if sound == "consonant" else _RO[0]
    for after_vowel, after_consonant in _PARTICLES:
        if particle in (after_vowel, after_consonant):
            return after_vowel if sound == "vowel" else after_consonant
    return particle


@dataclass(frozen=True)
class Swap:
    """One unknown name and the corpus name put in its place."""

    name: str  # as typed: "John", "New Orleans"
    placeholder: str  # in the source: "Junho"
    korean: str  # the placeholder as the model writes it: "준호"
    adverb: bool = False  # an adverb opening the sentence (Meanwhile,): put back with its comma, no particle
    typed_korean: bool = False  # a Korean word typed into the English (김치): put back without a person's 씨


def _in_name(word: str, titled: bool = False) -> bool:
    """Whether a capitalised ``word`` beside a name belongs to it (``Smith`` of John Smith, ``New`` of New
    Orleans, the initials ``J.K`` of J.K. Rowling); ``I`` never does ("Tell Anna I said hi"), nor, in a
    sentence ``titled`` (:func:`~rnnkit.translate.surface.title_cased`), a word the corpus writes in lower case :data:`RARE_WORD`
    times or more ("John Is My Friend." was one name, John Is My Friend)."""
    if not (_capitalised(word) or (bool(_INITIALS.fullmatch(word)) and word != "I")):
        return False
    lower = corpus_counts()[0]
    return not titled or all(lower[part] < RARE_WORD for part in _NAME_PARTS.split(word.lower()) if part)


def _dotted(words: list[str], parts: list[re.Match], j: int) -> bool:
    """Whether ``words[j]`` is an initial or a name's abbreviation, its full stop no sentence's end (F. of
    John F. Kennedy, St. of St. Louis, U.S. of the U.S.)."""
    return parts[j][3] == "." and (
        words[j] in _NAME_ABBREVIATIONS or (bool(_INITIALS.fullmatch(words[j])) and words[j] != "I")
    )


# the words that open a sentence after a shortened title's stop ("I called my Rep. She did not answer."):
# pronouns, articles, determiners and the usual openers; a surname that is also a word stays the name's
# (Rev. Hope, Gov. Little, Sen. Long: counted by how often the corpus writes them in lower case, they
# were cut off their titles)
_SENTENCE_OPENERS = _words(
    "i you he she it we they me him her us them my your his its our their this that these those there"
    " the a an what when where why how who which then but and so if yes no please thanks thank"
)


def _opens_sentence(words: list[str], j: int) -> bool:
    """Whether ``words[j]``, after a full stop, opens the next sentence (:data:`_SENTENCE_OPENERS`, with a
    capital): "Rep. She" ends the name at Rep; "King Jr. was great" and "Rev. Hope spoke" go on."""
    return words[j][:1].isupper() and words[j].lower() in _SENTENCE_OPENERS


def _initials(words: list[str], parts: list[re.Match], k: int) -> bool:
    """Whether ``words[k]`` is a name of dotted capitals (U.S., D.C., L.A.): read as a name of its own."""
    return "." in words[k] and _dotted(words, parts, k)


def _listed_after(words: list[str], parts: list[re.Match], start: int) -> int | None:
    """Where the name that the name at ``start`` is listed after with ``and`` or ``or`` starts
    (``Osaka`` of "visited Osaka and Kyoto"), or None when it follows none."""
    j = start - 1
    if j < 1 or words[j].lower() not in ("and", "or") or parts[j][3] or parts[j - 1][3]:
        return None
    j -= 1
    if not _capitalised(words[j]):
        return None
    while j > 1 and not parts[j - 1][3] and _in_name(words[j - 1]):
        j -= 1
    return j


def _is_place_at(words: list[str], parts: list[re.Match], start: int, end: int) -> bool:
    """Whether the name ``words[start : end + 1]`` is a place: by the words before it (:func:`is_place`),
    or as the second of two names whose first is one ("visited Osaka and Kyoto"), where no verb follows
    it (:data:`_AFTER_A_PLACE`)."""
    if is_place([w.lower() for w in words[:start]]):
        return True
    first = _listed_after(words, parts, start)
    if first is None:
        return False
    ends = parts[end][3] or end + 1 == len(words) or words[end + 1].lower() in _AFTER_A_PLACE
    return bool(ends) and is_place([w.lower() for w in words[:first]])


def _name_ends(words: list[str], parts: list[re.Match], k: int, titled: bool = False) -> int:
    """Where the name opening at ``words[k]`` ends: a run of capitalised words (John Smith), and small
    words between them (:data:`_NAME_LINKS`: Rio de Janeiro), until punctuation or a possessive (the
    full stop of an initial or of St. is neither: :func:`_dotted`)."""
    end = k
    while end + 1 < len(words) and (not parts[end][3] or _dotted(words, parts, end)):
        if parts[end][3] and _opens_sentence(words, end + 1):
            break
        if _in_name(words[end + 1], titled):
            end += 1
        elif (
            words[end + 1] in _NAME_LINKS
            and end + 2 < len(words)
            and not parts[end + 1][3]
            and _in_name(words[end + 2], titled)
        ):
            end += 2
        else:
            break
    return end


def _listed_with(
    words: list[str], parts: list[re.Match], end: int, place: bool, titled: bool
) -> list[tuple[int, int]]:
    """Where the names listed after the name ending at ``words[end]`` end, when they are read with it
    as one name (one placeholder): a list of three or more closed by ``and`` ("John, Mary, Kate and Anna
    went to school.": the model, given four placeholders, dropped the first), or after a place, names
    after a comma ending the clause ("from Dallas, Texas.", "in Lyon, France, with"), not an exclamation
    or a question, which end with the person they speak to ("Welcome to Boston, Emily!"; a person
    addressed after a place in a statement, "I live in Paris, John.", is read as its region). Empty when
    none are; else each one's first and last word."""
    spans: list[tuple[int, int]] = []
    j, closed = end, False
    while j + 1 < len(words) and not closed:
        nxt = j + 1
        if parts[j][3] == "," and words[nxt] == "and" and not parts[nxt][3]:
            nxt += 1  # "A, B, and C"
        elif parts[j][3] == "" and words[nxt] == "and" and spans and not parts[nxt][3]:
            nxt += 1  # "A, B and C"
        elif parts[j][3] != ",":
            break
        if nxt >= len(words) or not _capitalised(words[nxt]) or parts[nxt][1]:
            break
        closed = nxt > j + 1
        j = _name_ends(words, parts, nxt, titled)
        spans.append((nxt, j))
    if closed and len(spans) >= 2:
        return spans
    clause_ends = j + 1 == len(words) or parts[j][3] or words[j + 1].lower() in _AFTER_A_PLACE
    if "!" in parts[j][3] or "?" in parts[j][3]:  # Thanks for showing me around Chicago, Emily!
        return []
    return spans if place and spans and clause_ends else []  # not "in Boston, and Emily lived"


def _shop(words: list[str], parts: list[re.Match], end: int) -> bool:
    """Whether the ``'s`` after a place's name at ``words[end]`` is the name's own, a shop named after
    its owner ("at McDonald's", "to Macy's yesterday"), not a possessive before a noun ("at John's
    house"): no noun follows it."""
    trail = parts[end][3]
    if trail[:2] not in ("'s", "’s"):
        return False
    return end + 1 == len(words) or bool(trail[2:]) or words[end + 1].lower() in _AFTER_A_PLACE


def _name_text(words: list[str], parts: list[re.Match], start: int, end: int) -> str:
    """The name ``words[start : end + 1]`` as typed, the punctuation inside it kept (John F. Kennedy)."""
    return " ".join(words[j] + (parts[j][3] if j < end else "") for j in range(start, end + 1))


def swap_names(sentence: str) -> tuple[str, list[Swap]]:
    """``sentence`` with its unknown names (:func:`is_unknown_name`, or a name after a title:
    :func:`_named_by_its_capital`; a run of capitalised words holding one, such as ``John Smith``, is one
    name) replaced by placeholders, and the swaps made, one for each name said. A name said again takes
    a placeholder of its own while one is left, as the model translates two corpus names better than one
    said twice, which the corpus seldom does ("John said John is tired.": Junho said Minji is tired, John은
    John이 피곤하다고 하셨어요; Junho said Junho is tired, John은 John이 피곤해요), and then the one it
    took before ("I flew from Chicago to Boston and back to Chicago.": Busan, Daegu and Busan again; the
    third Chicago was left as typed). A sentence with no unknown name comes back unchanged with no swaps
    (but for a shortened title the corpus writes in full: "Prof. Lee" is read "Professor Lee"); a corpus
    name the sentence says itself is no placeholder in it. A title shortened with a full stop that the
    corpus never writes (Capt., Sgt., Gen.) belongs to the name after it: "Capt. Smith" is one name."""
    sentence = _SHORT_TITLE.sub(lambda m: _TITLE_WORDS[m.group("title").lower()], sentence)
    tokens = sentence.split(" ")
    parts = [_TOKEN.match(t) for t in tokens]
    if any(p is None for p in parts):
        return sentence, []
    words = [p[2] for p in parts]
    # a corpus name the sentence says itself is no placeholder ("Minji met Sarah.": Sarah is Junho)
    free = {
        kind: [(ph, korean) for ph, korean in pairs if ph not in words]
        for kind, pairs in (("person", PEOPLE), ("place", PLACES))
    }
    from rnnkit.translate.surface import title_cased

    titled = title_cased(tokens)
    out: list[str] = []
    swaps: list[Swap] = []
    given: dict[str, tuple[str, str]] = {}  # each name swapped: its placeholder and the model's Korean
    k = 0
    korean_at = _korean_words(sentence, words)
    # a Korean word opening a sentence before a comma is a greeting or an interjection (안녕하세요, ...)
    korean_opening = 0 in korean_at and len(words) > 1 and parts[0][3] == ","
    if korean_opening or (
        len(words[0]) <= MAX_NAME and is_unknown_name(words[0]) and _opens_with_a_word(words, parts)
    ):
        k = 1  # an adverb, no name
        if ADVERB[0] in words:  # the placeholder is the sentence's own: the adverb read as typed
            out.append(tokens[0])
        else:  # Meanwhile, I went home. -> Honestly, I went home. -> 솔직히 집에 갔어요. -> Meanwhile, 집에 갔어요.
            out.append(parts[0][1] + ADVERB[0] + parts[0][3])
            swaps.append(Swap(words[0], *ADVERB, adverb=True))
    while k < len(tokens):
        if not (
            k in korean_at
            or is_unknown_name(words[k])
            or _named_by_its_capital(words, k, titled)
            or _initials(words, parts, k)
            or (k == 0 and not titled and _opens_with_a_name(words, parts))
        ):
            out.append(tokens[k])
            k += 1
            continue
        end = (
            _korean_name_ends(words, parts, k, korean_at)
            if k in korean_at
            else _name_ends(words, parts, k, titled)
        )
        start = k
        while (
            start > 1
            and out
            and _in_name(words[start - 1], titled)
            and (not parts[start - 1][3] or _dotted(words, parts, start - 1))
        ):
            start -= 1  # "in New Orleans": New belongs to the name (not the sentence's first word)
        kind = "place" if _is_place_at(words, parts, start, end) else "person"
        listed = _listed_with(words, parts, end, kind == "place", titled)
        if listed:  # one placeholder for them all, the names put back in a list: John, Mary, Anna
            name = ", ".join(_name_text(words, parts, a, b) for a, b in [(start, end), *listed])
            end = listed[-1][1]
        else:
            name = _name_text(words, parts, start, end)
        if len(name) > MAX_NAME:  # no name: read as typed, every word of it (not each again as a name)
            out.extend(tokens[k : end + 1])
            k = end + 1
            continue
        if free[kind]:
            placeholder, korean = free[kind].pop(0)
            given.setdefault(name, (placeholder, korean))
        elif name in given:  # said again, no placeholder left: the one it took (back to Chicago)
            placeholder, korean = given[name]
        else:
            out.append(tokens[k])
            k += 1
            continue
        del out[len(out) - (k - start) :]
        if out and out[-1] == "the":  # no article before a corpus name: "in the USA" is read "in Busan"
            out.pop()
        elif out and out[-1] in ("an", "An"):  # every placeholder opens with a consonant: a Junho phone
            out[-1] = out[-1][0]
        trail = parts[end][3]
        if kind == "place" and _shop(words, parts, end):  # at McDonald's: the 's is the name's
            name, trail = name + trail[:2], trail[2:]
        if _dotted(words, parts, end) and end + 1 < len(tokens) and not _opens_sentence(words, end + 1):
            # the U.S. last year, King Jr. was
            name, trail = name + ".", ""  # the full stop is the name's: it ends no sentence inside one
        elif _dotted(words, parts, end) and "." in words[end]:  # I live in the U.S.: the name's and the stop
            name += "."
        out.append(parts[start][1] + placeholder + trail)
        swaps.append(Swap(name, placeholder, korean, typed_korean=start in korean_at))
        k = end + 1
    return " ".join(out), swaps


def keeps_placeholders(text: str, swaps: list[Swap], exactly: bool = False) -> bool:
    """Whether the output ``text`` says each swap's placeholder, at least once and no more often than
    the source does (a name that shares its placeholder, said twice, may be said once in Korean: back to
    Chicago after Boston, 대구에 갔다가 부산으로 돌아왔어요, went to Daegu and came back to Busan); a
    placeholder said more often than that, or lost, cannot be put back with confidence. With
    ``exactly``, as often as the source says it."""
    said = Counter(swap.korean for swap in swaps)
    if exactly:
        return all(text.count(korean) == n for korean, n in said.items())
    return all(1 <= text.count(korean) <= n for korean, n in said.items())


def put_back(text: str, swaps: list[Swap]) -> str | None:
    """The output ``text`` with each swap's Korean placeholder replaced by the typed name, the particle
    after it in the name's form (:func:`particle_for`); None where it does not
    :func:`keeps_placeholders` (the swap cannot be undone with confidence: translate the sentence as
    typed instead). A name said twice is put back wherever its placeholder is said."""
    if not keeps_placeholders(text, swaps):
        return None
    for swap in swaps:
        if swap.korean not in text:  # said once of a name the source says twice: put back already
            continue
        at = text.index(swap.korean) + len(swap.korean)
        if swap.adverb:  # 솔직히 집에 갔어요. -> Meanwhile, 집에 갔어요.
            text = text[: at - len(swap.korean)] + swap.name + "," + text[at:].removeprefix(",")
            continue
        rest = text[at:]
        if swap.typed_korean:  # 준호 씨랑 불고기를: 김치 찌개 is no person to address with 씨
            rest = rest.removeprefix(" 씨")
        sound = sound_of(swap.name)
        forms = [f for pair in (*_PARTICLES, _RO) for f in pair]
        found = max((f for f in forms if rest.startswith(f)), key=len, default="")
        after = rest[len(found) : len(found) + 1]
        # a one-syllable particle must end its word or take another (준호가도 is no word, 준호랑도 is)
        if found and (len(found) > 1 or not _HANGUL.match(after) or after in _STACKED):
            rest = particle_for(sound, found) + rest[len(found) :]
        text = text[: at - len(swap.korean)] + swap.name + rest
    return text
