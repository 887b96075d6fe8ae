"""Typed English read as the corpus writes it (rnnkit.translate.surface) and texts of several sentences."""

from __future__ import annotations

import pytest
import torch

from rnnkit.translate.corpus import read_corpus
from rnnkit.translate.surface import as_the_corpus_writes, sentences, unwrapped
from rnnkit.translate.translator import Translation, Translator, joined


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("i am a student", "I am a student."),
        ("I AM A STUDENT.", "I am a student."),
        ("where is the station", "Where is the station?"),  # a question's first word
        ("do you like kimchi", "Do you like kimchi?"),
        ("i'm tired", "I'm tired."),
        ("  thanks  ", "Thanks."),
        ("Is it 7 a.m. now", "Is it 7 a.m. now?"),
        ('he said "stop."', 'He said "stop."'),  # the stop inside the quotation ends it
        ("USA!", "USA!"),  # one word in capitals is an abbreviation, not shouting
        # OK spelled as the corpus spells it, okay (read as a name, "Are you OK?" came out OK예요?)
        ("OK.", "Okay."),
        ("Are you OK?", "Are you okay?"),
        ("ok see you", "Okay see you."),
        ('"OK," he said.', '"Okay," he said.'),
        ("'Alright,' he said.", "'All right,' he said."),  # in single quotes as in double
        ("She said 'OK' and left.", "She said 'okay' and left."),
        ("She said ‘ok’.", "She said ‘okay’."),
        ("He OK'd it.", "He OK'd it."),  # an apostrophe between letters: one word
        ("ARE YOU OK?", "Are you okay?"),
        ("Go to ok.ru or write to bob@ok.kr.", "Go to ok.ru or write to bob@ok.kr."),  # addresses as typed
        # Ok is also a Korean surname: kept after a title or before a capital ("Ms. Ok is my teacher."
        # came out 제 선생님은 제 선생님이에요. read "Ms. okay"), respelled where no name can stand
        ("I met Mr. Ok yesterday.", "I met Mr. Ok yesterday."),
        ("Ms. Ok is my teacher.", "Ms. Ok is my teacher."),
        ("Ok Taec-yeon is a singer.", "Ok Taec-yeon is a singer."),
        ("Ok, let's go.", "Okay, let's go."),
        ("Ok see you", "Okay see you."),
        ("Is it Ok?", "Is it okay?"),
        # but the pronoun I is no given name, and mid-sentence before a word in lower case Ok is the word
        # (kept as a name: Ok가 내일 전화할게요., 그건 저한테 Ok예요.)
        ("Ok I'll call you tomorrow.", "Okay I'll call you tomorrow."),
        ("That's Ok with me.", "That's okay with me."),
        # and the other words the corpus spells its own way ("The wifi is slow.": 상처가 느리대요.)
        ("Alright, let's go.", "All right, let's go."),
        ("the wifi is slow", "The Wi-Fi is slow."),
        ("THE WIFI IS SLOW.", "The Wi-Fi is slow."),
        ("E-mail me.", "Email me."),
        ("I like your t-shirt.", "I like your T-shirt."),
        ("I live in the USA", "I live in the USA."),
        ("What time is it…", "What time is it…"),
        ("3", "3"),  # no English word: left as typed
        ("안녕하세요", "안녕하세요"),  # Korean into an English model: the unreadable warning must see it
        ("i live in seoul", "I live in Seoul."),  # the corpus's names get their capitals back
        ("I LIVE IN SEOUL.", "I live in Seoul."),
        ("where is the atm", "Where is the ATM?"),
        ("I'M FROM CANADA!", "I'm from Canada!"),
        # shouted words the corpus never writes are names: a capital (or as typed, an acronym), so
        # that translate/names.py carries them instead of the model reading a lower-case guess
        ("MY NAME IS JOHN.", "My name is John."),
        ("I MET JOHN SMITH AT IBM.", "I met John Smith at IBM."),
        ("WOW, THAT IS GREAT!", "Wow, that is great!"),
        # typed in lower case, a name is told by an introduction before it (and written in lower case
        # nowhere in the corpus); elsewhere an unknown lower-case word is a rare word, left alone
        ("my name is john smith", "My name is John Smith."),
        ("i met sarah yesterday", "I met Sarah yesterday."),
        ("this is kevin", "This is Kevin."),
        ("this is great", "This is great."),
        ("nice to meet you", "Nice to meet you."),
        ("i am tird", "I am tird."),
        ("i like skateboarding", "I like skateboarding."),
        ("i love new york", "I love New York."),  # a name of two words, whole
        ("merry christmas eve", "Merry Christmas Eve."),
        ("i saw eve yesterday", "I saw eve yesterday."),  # Eve only in Christmas Eve: a common word alone
        ("i will mount the tv", "I will mount the TV."),
        ("my email is kim@naver.com", "My email is kim@naver.com."),  # addresses kept as typed
        ("go to http://busan.kr/i", "Go to http://busan.kr/i."),
        ('"where is the station"', '"Where is the station?"'),  # the stop inside the closing quote
        ("do not touch it", "Do not touch it."),  # a command, not a question
        ("do your homework", "Do your homework."),
        ("have a good day", "Have a good day."),
        ("have you eaten", "Have you eaten?"),
        ("is the store open", "Is the store open?"),
        ("what a beautiful day", "What a beautiful day."),  # an exclamation
        ("how kind of you", "How kind of you."),
        ("how are you", "How are you?"),
        ("where i live is far", "Where I live is far."),  # a clause, not a question
        ("is minji coming", "Is Minji coming?"),
        # a name after a relation, however it was introduced ("this is" took "my" and missed john)
        ("this is my friend john", "This is my friend John."),
        ("my brother jake smith is here", "My brother Jake Smith is here."),
        ("my friend said no", "My friend said no."),
        ("my name is jean-luc picard", "My name is Jean-Luc Picard."),  # each part of a name
        # a greeting and the name it greets, a comma between as the corpus writes (Hi, Junho.)
        ("hi emily", "Hi, Emily."),
        ("Hi John.", "Hi, John."),  # written as the corpus writes but for the comma
        ("Thank you Sarah!", "Thank you, Sarah!"),
        ("Good morning Mr. Kim.", "Good morning, Mr. Kim."),
        ("Hi, John.", "Hi, John."),
        ("Hi I'm John.", "Hi I'm John."),  # I is no name
        ("hi everyone", "Hi everyone."),
        ("Hi there.", "Hi there."),
        # title case: its small words in lower case, names kept ("I Love You." gave 신이 졌어요.)
        ("I Love You.", "I love you."),
        ("John Is My Friend.", "John is my friend."),
        ("I Live In New York.", "I live in New York."),  # a corpus name's capitals back
        ("I Work At IBM In Seoul.", "I work at IBM in Seoul."),
        ("Happy New Year!", "Happy New Year!"),  # no small word capitalised: no title case
        ("I read The Little Prince", "I read The Little Prince."),  # an article opens a title
        ("I need to call the IT department.", "I need to call the IT department."),
        ("We met in May. Did you?", "We met in May. Did you?"),  # a capital after a stop opens a sentence
    ],
)
def test_a_typed_sentence_is_read_as_the_corpus_writes_it(typed, read):
    assert as_the_corpus_writes(typed) == read


def test_a_sentence_written_as_the_corpus_writes_is_left_as_its_writer_cased_it(monkeypatch):
    """Only casual input is recased: a well-formed sentence keeps its own case, and costs no corpus read."""
    from rnnkit.translate import surface

    monkeypatch.setattr(surface, "corpus_names", lambda: pytest.fail("the corpus was read"))
    assert as_the_corpus_writes("My friend lives in seoul.") == "My friend lives in seoul."


def test_every_sentence_of_the_corpus_is_already_so_written():
    """So reading input this way moves no score on the corpus's own pairs."""
    corpus, _ = read_corpus()
    assert [s for s, _ in corpus if as_the_corpus_writes(s) != s] == []


def test_the_casual_split_rule_splits_no_corpus_line_differently():
    """The stop-before-a-lower-case-word rule is for casual text: on the corpus's own lines the sentences
    are exactly sentencex's, so no score moves."""
    from sentencex import segment

    corpus, _ = read_corpus()
    plain = lambda s: [x.strip() for x in segment("en", s) if x.strip()] or [s.strip()]  # noqa: E731
    assert [s for s, _ in corpus if sentences(s) != plain(s)] == []


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("I am a student. I live in Seoul.", ["I am a student.", "I live in Seoul."]),
        ("Wait! Where are you going?", ["Wait!", "Where are you going?"]),
        ("Mr. Kim lives in the U.S. now.", ["Mr. Kim lives in the U.S. now."]),
        ("It costs $3.50. Is that OK?", ["It costs $3.50.", "Is that OK?"]),
        ("I woke up at 7 a.m. and left.", ["I woke up at 7 a.m. and left."]),
        ("i am a student", ["i am a student"]),
        ("   ", ["   ".strip()]),
        # typed without capitals: the stop still ends a sentence, but not after an abbreviation
        ("i said no. he said yes", ["i said no.", "he said yes"]),
        ("ok. see you", ["ok.", "see you"]),
        ("really?? yes!! ok", ["really??", "yes!!", "ok"]),
        ("i met mr. kim. he is nice", ["i met mr. kim.", "he is nice"]),
        ("call me at 9 a.m. i will be home", ["call me at 9 a.m. i will be home"]),
        ("i live in the u.s. now", ["i live in the u.s. now"]),
        ("milk, eggs, etc. then bread", ["milk, eggs, etc. then bread"]),
        ("it was no. 1 in the chart", ["it was no. 1 in the chart"]),
        ("café. ça va", ["café.", "ça va"]),
    ],
)
def test_sentences_splits_at_sentence_ends_only(text, parts):
    assert sentences(text) == parts


def _part(source: str, text: str, n_src: int, n_tgt: int, score: float, alternatives=None) -> Translation:
    return Translation(
        source=source,
        text=text,
        ids=list(range(n_tgt)),
        src_pieces=["x"] * n_src,
        tgt_pieces=["y"] * n_tgt,
        hit_max=False,
        truncated=False,
        attention=torch.full((n_tgt, n_src), 1.0 / n_src),
        score=score,
        alternatives=alternatives,
        numbers_missing=[],
        unknown_share=0.5 if n_src == 2 else 0.0,
    )


def test_joined_puts_a_texts_sentences_together():
    a = _part("Hi.", "안녕.", 2, 3, -1.0, [("안녕.", -1.0), ("안녕하세요.", -2.0)])
    b = _part("Bye.", "잘 가.", 4, 2, -0.5, [("잘 가.", -0.5), ("안녕히 가세요.", -0.7)])
    t = joined([a, b], "Hi. Bye.", n_best=3)
    assert (t.source, t.text, t.score) == ("Hi. Bye.", "안녕. 잘 가.", -1.5)
    assert t.attention.shape == (5, 6) and t.attention[:3, 2:].abs().sum() == 0  # each attends to its own
    assert torch.allclose(t.attention.sum(dim=1), torch.ones(5))
    assert t.alternatives == [
        ("안녕. 잘 가.", -1.5),
        ("안녕. 안녕히 가세요.", -1.7),
        ("안녕하세요. 잘 가.", -2.5),
    ]
    assert t.unknown_share == 0.5 and t.numbers_missing == []  # the least readable sentence's
    one = joined([a], "  Hi.  ")
    assert one.source == "  Hi.  " and one.text == a.text


def test_a_text_of_two_sentences_is_translated_sentence_by_sentence(tiny_model):
    tr = Translator.from_pretrained(tiny_model, device="cpu")
    first, second = (t.text for t in tr.translate(["i am a student", "Where is the station?"]))
    (both,) = tr.translate(["i am a student Where is the station?".replace("student ", "student. ")])
    assert both.text == f"{first} {second}" and both.source.startswith("i am a student.")
    (typed,) = tr.translate(["i am a student"], as_typed=True)
    (read,) = tr.translate(["i am a student"])
    assert read.read_as == "I am a student." and typed.read_as is None
    assert read.text == tr.translate(["I am a student."])[0].text


def test_input_the_model_cannot_read_is_still_warned_about(tiny_model):
    """Korean into an English model: a final stop added would make half its pieces known, hiding it."""
    tr = Translator.from_pretrained(tiny_model, device="cpu")
    (korean,) = tr.translate(["안녕하세요"])
    assert korean.unreadable and korean.read_as is None


def test_punctuation_alone_is_given_back_and_an_unreadable_sentence_is_warned_about(tiny_model):
    tr = Translator.from_pretrained(tiny_model, device="cpu")
    dots, mixed, emoji = tr.translate(["...", "I am a student. 안녕하세요.", "Hi. 😀😀"])
    assert dots.text == "..." and not dots.src_pieces
    assert mixed.unreadable  # one sentence of two the model cannot read: warned, not averaged away
    assert emoji.text.endswith("😀😀") and len(emoji.src_pieces) > 0
    (with_plot,) = tr.translate(["I am a student. ..."], attention=True, n_best=2)
    assert with_plot.attention.shape == (len(with_plot.tgt_pieces), len(with_plot.src_pieces))
    assert all(text.endswith(" ...") for text, _ in with_plot.alternatives)


@pytest.mark.parametrize(
    ("typed", "parts"),
    [
        ("(I am tired.)", ("(", "I am tired.", ")")),
        ("“Where is the station?”", ("“", "Where is the station?", "”")),
        ("'I'm hungry.'", ("'", "I'm hungry.", "'")),  # an apostrophe inside is no quotation mark
        ('("Hi.")', ('("', "Hi.", '")')),
        ("I am tired.", ("", "I am tired.", "")),
        ('"Hi," he said, "bye."', ("", '"Hi," he said, "bye."', "")),  # the marks wrap two quotations
        ("(Hi) and (bye)", ("", "(Hi) and (bye)", "")),
        ("'Tis the kids' toy.", ("", "'Tis the kids' toy.", "")),
    ],
)
def test_a_sentence_typed_inside_quotation_marks_or_brackets_is_read_without_them(typed, parts):
    assert unwrapped(typed) == parts


def test_a_wrapped_sentence_is_translated_inside_its_marks():
    # the corpus writes no sentence inside marks: "[I am tired.]" gave 그 사람은 피곤했어요. and
    # "(John is my friend.)" lost its name (그 친구는 제 친구가 제 친구예요.)
    tr = Translator.load()
    wrapped = ["[I am tired.]", "“Where is the station?”", "(John is my friend.)"]
    plain = [t.text for t in tr.translate([unwrapped(w)[1] for w in wrapped], beam=3, mbr=False)]
    out = tr.translate(wrapped, beam=3, mbr=False, n_best=2)
    assert [t.text for t in out] == ["[" + plain[0] + "]", "“" + plain[1] + "”", "(" + plain[2] + ")"]
    assert out[2].names_carried == ["John"] and out[2].read_as == "Junho is my friend."
    assert all(a.startswith("(") and a.endswith(")") for a, _ in out[2].alternatives)
    (typed,) = tr.translate(["[I am tired.]"], beam=3, mbr=False, as_typed=True)
    assert typed.read_as is None and not typed.text.startswith("[")  # as typed: read whole


def test_a_greeted_name_is_carried_and_greeted():
    # "Hi Emily." was read as it stood and gave Emily예요. (It is Emily.); the corpus greets with a comma
    out = Translator.load().translate(["Hi Emily.", "hello john"], beam=3, mbr=False)
    assert [t.read_as for t in out] == ["Hi, Junho.", "Hello, Junho."]
    assert all("안녕하세요" in t.text for t in out)
    assert out[0].text.startswith("Emily") and out[1].text.startswith("John")
