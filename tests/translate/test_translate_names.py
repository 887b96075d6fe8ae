"""Names the model never learned, carried through corpus names and put back (rnnkit.translate.names)."""

from __future__ import annotations

import pytest

from rnnkit.translate import names
from rnnkit.translate.names import Swap, is_unknown_name, particle_for, put_back, sound_of, swap_names


@pytest.mark.parametrize(
    ("word", "unknown"),
    [
        ("John", True),  # never in the corpus
        ("Google", True),
        ("IBM", True),
        ("Kevin", True),  # a name the corpus writes inside a sentence once: the model does not know it
        ("Jean-Luc", True),
        ("José", True),  # accented letters are letters: a name the corpus never writes
        ("Zoë", True),
        ("O'Brien", True),  # an apostrophe before a capital joins a name's parts
        ("Don't", False),  # and before a small letter makes a contraction
        ("It’s", False),
        ("Seoul", False),  # a corpus name, often
        ("Spain", False),
        ("Please", False),  # written in lower case too: a word
        ("Oops", False),  # only ever opening a sentence: a word the model read, not a name
        ("I", False),
        ("john", False),  # no capital: not read as a name
        ("Wi-Fi", False),
    ],
)
def test_unknown_names_are_capitalised_words_the_corpus_does_not_teach(word, unknown):
    assert is_unknown_name(word) is unknown


@pytest.mark.parametrize(
    ("name", "sound"),
    [
        ("John", "consonant"),  # 존
        ("Tom", "consonant"),  # 톰
        ("Jack", "consonant"),  # 잭
        ("Bob", "consonant"),  # 밥
        ("Scott", "consonant"),  # 스콧
        ("Isaac", "consonant"),  # 아이작
        ("Eric", "consonant"),  # 에릭
        ("Paul", "rieul"),  # 폴
        ("Google", "rieul"),  # 구글
        ("Seattle", "rieul"),  # 시애틀
        ("Kyle", "rieul"),  # 카일: a silent e after l
        ("Nicole", "rieul"),  # 니콜
        ("Jane", "consonant"),  # 제인: a silent e after n or m
        ("Anne", "consonant"),  # 앤
        ("Irene", "consonant"),  # 아이린
        ("Jerome", "consonant"),  # 제롬
        ("Daphne", "vowel"),  # 대프니: the e is said after a consonant
        ("Sarah", "vowel"),  # 세라
        ("Mike", "vowel"),  # 마이크
        ("Robert", "vowel"),  # 로버트
        ("John Smith", "vowel"),  # 존 스미스: the last word counts
        ("IBM", "consonant"),  # 아이비엠
        ("USA", "vowel"),  # 유에스에이
        ("HTML", "rieul"),  # 에이치티엠엘: no vowel, read letter by letter
        ("JACK", "consonant"),  # 잭: a word typed in capitals, not an acronym (케이)
        ("NASA", "vowel"),  # 나사
    ],
)
def test_the_sound_a_name_ends_in(name, sound):
    assert sound_of(name) == sound


def test_particles_take_the_form_of_the_sound_before_them():
    assert [particle_for("consonant", p) for p in ("는", "가", "를", "예요", "랑", "로")] == [
        "은", "이", "을", "이에요", "이랑", "으로"
    ]  # fmt: skip
    assert [particle_for("vowel", p) for p in ("은", "이", "을", "이에요", "이랑", "으로")] == [
        "는", "가", "를", "예요", "랑", "로"
    ]  # fmt: skip
    assert particle_for("rieul", "으로") == "로"  # 서울로, Google로
    assert particle_for("rieul", "는") == "은"
    assert particle_for("consonant", "에서") == "에서"  # no second form


def test_swap_names_picks_a_person_or_a_place_by_the_words_before():
    assert swap_names("My name is John.") == ("My name is Junho.", [Swap("John", "Junho", "준호")])
    assert swap_names("I work at Google.") == ("I work at Busan.", [Swap("Google", "Busan", "부산")])
    assert swap_names("I want to go to Boston.")[0] == "I want to go to Busan."
    assert swap_names("I talked to John.")[0] == "I talked to Junho."  # talking to: a person
    assert swap_names("I looked at Sarah.")[0] == "I looked at Junho."
    assert swap_names("I work for Google.")[0] == "I work for Busan."  # a company
    assert swap_names("I am waiting for Chris.")[0] == "I am waiting for Junho."
    assert swap_names("I bought it on Amazon.")[0] == "I bought it on Busan."
    text, swaps = swap_names("John and Sarah live in Boston.")
    assert text == "Junho and Minji live in Busan."
    assert [s.name for s in swaps] == ["John", "Sarah", "Boston"]


def test_a_run_of_capitalised_words_is_one_name_and_punctuation_stays():
    assert swap_names("John Smith is here.") == ("Junho is here.", [Swap("John Smith", "Junho", "준호")])
    assert swap_names("I live in New Orleans.")[0] == "I live in Busan."  # New belongs to the name
    assert swap_names("Is this John's bag?")[0] == "Is this Junho's bag?"
    assert swap_names('He said "John!"')[0] == 'He said "Junho!"'
    assert swap_names("Tell Anna I said hi.")[0] == "Tell Junho I said hi."  # I is no part of a name


def test_sentences_without_unknown_names_are_left_alone():
    for sentence in ("I am a student.", "My brother lives in Seoul.", "Junho met Minji in Busan."):
        assert swap_names(sentence) == (sentence, [])


def test_a_corpus_name_the_sentence_says_is_not_used_as_a_placeholder():
    # such a sentence was left as typed, and its other name garbled ("Junho and John are friends." gave
    # 준호랑 저는 친구가 친구예요.)
    assert swap_names("Junho and John are friends.") == (
        "Junho and Minji are friends.", [Swap("John", "Minji", "민지")]
    )  # fmt: skip
    assert swap_names("I went to Busan with Jennifer.")[0] == "I went to Busan with Junho."
    assert swap_names("I drove from Busan to Austin.")[0] == "I drove from Busan to Daegu."


def test_a_place_after_an_article_or_after_from_and_to_is_a_place():
    # "in the USA" was read "in the Junho", a person (저는 USA 씨가 살아요.); the article goes, as a
    # corpus city takes none
    assert swap_names("I live in the USA.") == ("I live in Busan.", [Swap("USA", "Busan", "부산")])
    assert swap_names("I am from the UK.")[0] == "I am from Busan."
    assert swap_names("I went to the Louvre.")[0] == "I went to Busan."
    assert swap_names("I talked to the Smiths.")[0] == "I talked to Junho."  # talking to: people
    assert swap_names("I flew from Toronto to Vancouver.")[0] == "I flew from Busan to Daegu."
    assert swap_names("I flew from New York to Vancouver.")[0] == "I flew from New York to Busan."


def test_put_back_writes_the_name_with_its_particle():
    john, sarah = Swap("John", "Junho", "준호"), Swap("Sarah", "Junho", "준호")
    google, austin = Swap("Google", "Busan", "부산"), Swap("Austin", "Busan", "부산")
    assert put_back("제 이름은 준호예요.", [john]) == "제 이름은 John이에요."
    assert put_back("제 이름은 준호예요.", [sarah]) == "제 이름은 Sarah예요."
    assert put_back("어제 준호를 만났어요.", [john]) == "어제 John을 만났어요."
    assert put_back("준호랑도 친해요.", [john]) == "John이랑도 친해요."
    assert put_back("준호 씨는 어디 있어요?", [john]) == "John 씨는 어디 있어요?"
    assert put_back("저는 부산에서 일해요.", [google]) == "저는 Google에서 일해요."
    assert put_back("부산으로 이사했어요.", [austin]) == "Austin으로 이사했어요."
    assert put_back("부산으로 이사했어요.", [google]) == "Google로 이사했어요."  # ㄹ takes 로
    assert put_back("부산이에요.", [Swap("Ohio", "Busan", "부산")]) == "Ohio예요."


def test_put_back_gives_every_particle_of_two_forms_the_names_form():
    # these came back in the placeholder's form: John요, John라는, John랑은, Ohio이고
    john, ohio = Swap("John", "Junho", "준호"), Swap("Ohio", "Busan", "부산")
    assert put_back("누구요? 준호요.", [john]) == "누구요? John이요."
    assert put_back("준호라는 친구가 있어요.", [john]) == "John이라는 친구가 있어요."
    assert put_back("준호랑은 친해요.", [john]) == "John이랑은 친해요."
    assert put_back("준호죠?", [john]) == "John이죠?"
    assert put_back("준호야, 이리 와요.", [john]) == "John아, 이리 와요."
    assert put_back("부산이고 서울이에요.", [ohio]) == "Ohio고 서울이에요."
    assert put_back("준호고등학교에 가요.", [john]) == "John고등학교에 가요."  # 고 begins a word here


def test_put_back_refuses_an_output_that_does_not_say_the_placeholder_once():
    john = Swap("John", "Junho", "준호")
    assert put_back("제 이름은 뭐예요?", [john]) is None  # dropped
    assert put_back("준호가 준호를 봤어요.", [john]) is None  # twice: which one was John?


def test_the_shipped_translator_carries_names_and_says_so():
    from rnnkit.translate import Translator

    tr = Translator.load()
    assert tr.carries_names()
    out = tr.translate(["My name is John.", "I am a student."], beam=3, mbr=False)
    assert "John" in out[0].text and out[0].names_carried == ["John"]
    assert out[0].read_as == "My name is Junho."  # what the model read, shown as always
    assert out[1].names_carried is None and out[1].read_as is None
    typed = tr.translate(["My name is John."], beam=3, mbr=False, as_typed=True)[0]
    assert typed.names_carried is None and "John" not in typed.text  # as typed: no swap


def test_a_placeholder_the_output_lost_means_the_sentence_is_translated_as_read(monkeypatch):
    from rnnkit.translate import Translator

    tr = Translator.load()
    plain = tr.translate(["My name is John."], beam=3, mbr=False, as_typed=True)[0]
    monkeypatch.setattr(names, "put_back", lambda text, swaps: None)
    again = tr.translate(["My name is John."], beam=3, mbr=False)[0]
    assert again.text == plain.text and again.names_carried is None and again.read_as is None


def test_only_a_model_of_the_bundled_corpus_carries_names(tmp_path):
    from helpers_models import make_translate
    from rnnkit.translate import Translator

    tr = Translator.from_pretrained(make_translate(tmp_path / "m"), device="cpu")
    assert not tr.carries_names()  # its corpus is not the one whose names are the placeholders
    assert tr.translate(["My name is John."], beam=1)[0].names_carried is None


def _names_script():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "translate_names.py"
    spec = importlib.util.spec_from_file_location("translate_names", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_renames_a_corpus_name_in_source_and_reference():
    rows = _names_script().renamed(
        [
            ("My name is Junho.", "제 이름은 준호예요."),  # a person: Ethan, with the vowel particle
            ("I live in Busan.", "저는 부산에 살아요."),  # a place: Denver
            ("Junho met Minji.", "준호가 민지를 만났어요."),  # two placeholders: left out
            ("Junho is here.", "그 사람이 여기 있어요."),  # the reference does not say it: left out
        ]
    )
    assert rows == [
        ("My name is Ethan.", "제 이름은 Ethan이에요.", "Ethan"),
        ("I live in Denver.", "저는 Denver에 살아요.", "Denver"),
    ]


def test_the_hand_written_set_names_only_unknown_names():
    from pathlib import Path

    from rnnkit.translate.corpus import read_corpus

    pairs, report = read_corpus(Path(_names_script().DATA), fmt="anki")
    assert len(pairs) == 30 and report.malformed == 0
    for source, reference in pairs:
        swapped, swaps = swap_names(source)
        assert len(swaps) == 1 and swaps[0].name in reference, source  # each sentence carries its name


def test_a_name_typed_in_capitals_is_carried_too():
    from rnnkit.translate import Translator

    out = Translator.load().translate(["MY NAME IS JOHN.", "I WORK AT IBM."], beam=3, mbr=False)
    assert [t.names_carried for t in out] == [["John"], ["IBM"]]
    assert "John" in out[0].text and "IBM" in out[1].text


def test_corpus_counts_agree_with_the_parsed_corpus():
    # the counts come from regular expressions over the raw file; the reference is a word loop over
    # the corpus as read_corpus parses it
    import re
    from collections import Counter

    from rnnkit.translate.corpus import read_corpus

    lower, capital, inside = Counter(), Counter(), Counter()
    for source, _ in read_corpus()[0]:
        for k, word in enumerate(re.findall(r"[A-Za-z]+", source)):
            if word[0].islower():
                lower[word.lower()] += 1
            else:
                capital[word.lower()] += 1
                inside[word.lower()] += k > 0
    assert names.corpus_counts() == (lower, capital, +inside)


def test_a_name_typed_in_lower_case_after_an_introduction_is_carried():
    from rnnkit.translate import Translator

    out = Translator.load().translate(["my name is john", "i met sarah yesterday"], beam=3, mbr=False)
    assert [t.names_carried for t in out] == [["John"], ["Sarah"]]
    assert "John" in out[0].text and "Sarah" in out[1].text


def test_the_outside_names_set_is_forty_pairs_naming_names_the_corpus_never_writes():
    from pathlib import Path

    from rnnkit.translate.corpus import read_corpus

    path = Path(_names_script().DATA).with_name("names_outside_en_ko.tsv")
    assert "CC0" in path.read_text(encoding="utf-8").splitlines()[1]
    pairs, report = read_corpus(path, fmt="anki")
    assert len(pairs) == 40 and report.malformed == 0
    carried = [swap_names(source)[1] for source, _ in pairs]
    # every name but eBay (no capital: read as a word) is carried, and stands in its reference
    assert sum(len(s) == 1 for s in carried) == 39
    assert all(s[0].name in ref for s, (_, ref) in zip(carried, pairs, strict=True) if s)


@pytest.mark.parametrize("mbr", [False, True])
def test_of_the_beams_hypotheses_one_that_keeps_the_placeholder_is_chosen(mbr):
    # the beam's best had dropped 준호 ("I will meet Junho at the station tomorrow." gave
    # 내일 역에서 만나서 만날 거예요.), and the sentence fell back to the garbled as-typed output
    from rnnkit.translate import Translator
    from rnnkit.translate.decode import Hypothesis

    tr = Translator.load()
    texts = ["내일 역에서 만나요.", "내일 역에서 만나서 만나요.", "내일 역에서 준호를 만나요."]
    hyps = [Hypothesis(tr.tgt_tok.encode(t), -1.0 - k, rank_score=-1.0 - k) for k, t in enumerate(texts)]
    emily = [Swap("Emily", "Junho", "준호")]
    chosen = tr._choose(hyps, [], mbr, emily)
    assert tr.tgt_tok.decode(chosen.ids) == "내일 역에서 준호를 만나요."
    assert tr.tgt_tok.decode(tr._choose(hyps, [], False).ids) == texts[0]  # no names: the beam's best


def test_the_shipped_translator_carries_names_beside_corpus_names_and_names_of_any_spelling():
    from rnnkit.translate import Translator

    sentences = [
        "Irene lives in Busan.",
        "José is from Mexico.",
        "O'Brien is my neighbor.",
        "I live in the USA.",
    ]
    out = Translator.load().translate(sentences, beam=3, mbr=False)
    assert [t.names_carried for t in out] == [["Irene"], ["José"], ["O'Brien"], ["USA"]]
    assert "Irene은" in out[0].text and "부산" in out[0].text  # 아이린: the consonant's particle
    assert "José" in out[1].text and "O'Brien" in out[2].text
    assert "USA에" in out[3].text and "씨" not in out[3].text  # a place, not a person (USA 씨가)


def test_a_name_listed_after_a_place_is_a_place_unless_a_verb_follows_it():
    # "We visited Osaka and Kyoto." read Kyoto as a person (저희는 오사카에서 Kyoto 씨를 했어요.)
    assert swap_names("We visited Osaka and Kyoto.")[0] == "We visited Osaka and Busan."
    assert swap_names("I went to Tokyo and Kyoto last year.")[0] == "I went to Tokyo and Busan last year."
    assert swap_names("I live in Boston and John lives in Chicago.")[0] == (
        "I live in Busan and Junho lives in Daegu."
    )
    assert swap_names("Tokyo and Kyoto are cities.")[0] == "Tokyo and Junho are cities."  # no cue: a person


def test_small_words_inside_a_name_belong_to_it():
    # "in Rio de Janeiro" was two names, Rio a place and Janeiro a person (Janeiro랑 Rio로 자랐어요.)
    assert swap_names("I grew up in Rio de Janeiro.") == (
        "I grew up in Busan.", [Swap("Rio de Janeiro", "Busan", "부산")]
    )  # fmt: skip
    assert swap_names("I love Leonardo da Vinci.")[0] == "I love Junho."
    swaps = swap_names("Juan is in Madrid de noche.")[1]  # a link before no capital: no part of it
    assert [s.name for s in swaps] == ["Juan", "Madrid"]


def test_a_word_after_a_title_is_a_name_unless_the_corpus_knows_it_as_one():
    # brown and white are colours to the corpus: "Mrs. Brown is a teacher." gave 박 부장님은 선생님이세요.
    assert swap_names("Mrs. Brown is a teacher.") == (
        "Mrs. Junho is a teacher.",
        [Swap("Brown", "Junho", "준호")],
    )
    assert swap_names("Mr White is here.")[0] == "Mr Junho is here."
    assert swap_names("Mr. Kim is here.") == ("Mr. Kim is here.", [])  # the corpus's Mr. Kim, Ms. Park
    assert swap_names("Ms. Park lives in Seoul.") == ("Ms. Park lives in Seoul.", [])
    assert swap_names("The brown dog is here.")[1] == []  # no title: a colour


def test_a_capital_inside_a_sentence_names_a_word_the_corpus_rarely_writes():
    # apple (10 times in lower case): "I work for Apple." gave 저는 위해 장으로 일해요.
    assert swap_names("I work for Apple.") == ("I work for Busan.", [Swap("Apple", "Busan", "부산")])
    assert swap_names("I live on Maple Street.")[1] == [Swap("Maple Street", "Busan", "부산")]
    assert swap_names("Thanks, Mark.")[0] == "Thanks, Junho."
    assert swap_names("I went to the Bank.")[1] == []  # bank, 155 times: a word typed with a capital
    assert swap_names("Apple pie is good.")[1] == []  # a sentence's first word: its capital says nothing
    assert swap_names("See you on Monday.")[1] == []  # a corpus name


def test_been_to_a_name_is_a_place():
    # "Have you been to Hawaii?" read Hawaii as a person (Hawaii 씨 가 봤어요?)
    assert swap_names("Have you been to Hawaii?")[0] == "Have you been to Busan?"


def test_an_article_before_a_placeholder_fits_it():
    # "I have an Android phone." was read "I have an Junho phone."
    assert swap_names("I have an Android phone.")[0] == "I have a Junho phone."
    assert swap_names("An Android phone is cheap.")[0] == "A Junho phone is cheap."


def test_initials_and_abbreviations_inside_a_name_keep_it_whole():
    # the full stop of St. or F. closed the name: "I live in St. Louis." was read "I live in Busan.
    # Junho." (Louis 씨는 St에서 살아요.), "John F. Kennedy was a president." as "Junho. Minji was ..."
    assert swap_names("I live in St. Louis.") == ("I live in Busan.", [Swap("St. Louis", "Busan", "부산")])
    assert swap_names("John F. Kennedy was a president.") == (
        "Junho was a president.", [Swap("John F. Kennedy", "Junho", "준호")]
    )  # fmt: skip
    assert swap_names("I met J.K. Rowling.")[1] == [Swap("J.K. Rowling", "Junho", "준호")]
    assert swap_names("Martin Luther King Jr. was great.")[0] == "Junho was great."
    # dotted capitals are a name: the full stop is the name's, and the sentence's at its end
    assert swap_names("I moved to the U.S. last year.") == (
        "I moved to Busan last year.", [Swap("U.S.", "Busan", "부산")]
    )  # fmt: skip
    assert swap_names("I live in L.A.") == ("I live in Busan.", [Swap("L.A.", "Busan", "부산")])
    assert swap_names("I like Plan B.")[1] == [Swap("Plan B", "Junho", "준호")]  # a letter's stop ends it
    assert swap_names("Is it 7 a.m.?")[1] == []
    assert sound_of("U.S.") == "vowel"  # 유에스


def test_a_shortened_title_is_no_name_of_its_own():
    # "Prof. Smith is here." was read "Junho. Minji is here." (Prof a name, its stop a sentence's end),
    # and, a placeholder lost, translated again as typed: 이친 감은 여기가 있어요.
    assert swap_names("Prof. Smith is here.") == (
        "Professor Junho is here.",
        [Swap("Smith", "Junho", "준호")],
    )
    assert swap_names("Prof. Lee is here.") == ("Professor Lee is here.", [])  # the corpus's Professor Lee
    assert swap_names("My prof is kind.") == ("My prof is kind.", [])  # no name after it: left as typed
    # a title the corpus never writes, full or short, is the name's: "Capt" was a name, "Smith" another
    assert swap_names("I met Capt. Smith yesterday.") == (
        "I met Junho yesterday.", [Swap("Capt. Smith", "Junho", "준호")]
    )  # fmt: skip
    assert swap_names("Sgt. Park is here.")[1] == [Swap("Sgt. Park", "Junho", "준호")]

    # in lower case it ends a sentence, its stop no title's: "John" was read as "Professor John" (She is a
    # Junho is a student.), and a pronoun after a lower-case title was a name (a prof. Junho teaches math)
    assert swap_names("She is a prof. John is a student.")[0] == "She is a prof. Junho is a student."
    assert swap_names("My dad is a prof. He teaches math.") == ("My dad is a prof. He teaches math.", [])


def test_a_shortened_title_ending_a_sentence_does_not_join_the_next_one():
    # "Rep. She" was one name (I called my Junho did not answer.): a pronoun after the stop opens a sentence
    assert swap_names("I called my Rep. She did not answer.")[0] == "I called my Junho. She did not answer."
    assert swap_names("My uncle is a retired Gen. He lives in Ohio.")[0] == (
        "My uncle is a retired Junho. He lives in Busan."
    )
    assert swap_names("He lives on Main St. The house is big.")[0] == "He lives on Busan. The house is big."
    assert swap_names("Martin Luther King Jr. was great.")[0] == "Junho was great."  # no capital: goes on
    # a surname that is also a word is no sentence's start: "Rev. Hope spoke." was "Junho. Hope spoke."
    assert swap_names("Rev. Hope spoke.")[0] == "Junho spoke."
    assert swap_names("Gov. Little signed it.")[0] == "Junho signed it."
    assert swap_names("I called my Rep. I did not answer.")[0] == "I called my Junho. I did not answer."


def test_the_shipped_translator_reads_prof_as_professor():
    from rnnkit.translate import Translator

    (out,) = Translator.load().translate(["Prof. Smith is here."], beam=3, mbr=False)
    assert out.read_as == "Professor Junho is here." and out.names_carried == ["Smith"]
    assert "Smith 교수님" in out.text


def test_the_shipped_translator_puts_a_dotted_name_back_whole():
    from rnnkit.translate import Translator

    out = Translator.load().translate(
        ["I live in St. Louis.", "I moved to the U.S. last year."], beam=3, mbr=False
    )
    assert [t.names_carried for t in out] == [["St. Louis"], ["U.S."]]
    assert "St. Louis에" in out[0].text and "U.S.로" in out[1].text


def test_a_sentence_in_title_case_names_only_its_names():
    # "John Is My Friend." was one name, John Is My Friend, and the sentence read "Junho."
    assert swap_names("John Is My Friend.") == ("Junho Is My Friend.", [Swap("John", "Junho", "준호")])
    assert swap_names("My Name Is John Smith.")[1] == [Swap("John Smith", "Junho", "준호")]
    assert swap_names("I Love Seafood With You.")[1] == []  # seafood, a rare word: no name in title case
    assert swap_names("I live on Maple Street.")[1] == [Swap("Maple Street", "Busan", "부산")]  # no title
