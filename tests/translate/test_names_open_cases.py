"""Names the model never learned: the cases the first rules left open (rnnkit.translate.names)."""

from __future__ import annotations

import pytest

from rnnkit.translate.names import Swap, put_back, swap_names


@pytest.fixture(scope="module")
def translator():
    from rnnkit.translate import Translator

    return Translator.load()


def test_a_name_after_a_place_and_a_comma_is_part_of_the_place():
    # "I flew from Dallas, Texas." read Texas as a person addressed: Texas 씨가 Dallas에서 왔어요.
    assert swap_names("I flew from Dallas, Texas.") == (
        "I flew from Busan.", [Swap("Dallas, Texas", "Busan", "부산")]
    )  # fmt: skip
    assert swap_names("I live in Austin, Texas, and I love it.")[1] == [
        Swap("Austin, Texas", "Busan", "부산")
    ]
    # a verb after it: the name opens a clause of its own
    assert [s.name for s in swap_names("After I moved to Austin, Texas became my home.")[1]] == [
        "Austin",
        "Texas",
    ]
    assert [s.name for s in swap_names("When I was in Boston, Emily called me.")[1]] == ["Boston", "Emily"]
    # a clause of its own after "and" (it was read "I lived in Busan lived in Daegu.", Boston, Emily one place)
    lived = "I lived in Boston, and Emily lived in Denver."
    assert swap_names(lived)[0] == "I lived in Busan, and Junho lived in Daegu."
    # an exclamation or a question ends with the person it speaks to
    thanks = "Thanks for showing me around Chicago, Emily!"
    assert [s.name for s in swap_names(thanks)[1]] == ["Chicago", "Emily"]
    assert [s.name for s in swap_names("Are you in Boston, Emily?")[1]] == ["Boston", "Emily"]


def test_the_s_of_a_shop_named_after_its_owner_is_the_names():
    # "I ate at McDonald's." was read "at Busan's" and gave 저는 McDonald에서 먹었어요.
    assert swap_names("I ate at McDonald's.") == ("I ate at Busan.", [Swap("McDonald's", "Busan", "부산")])
    assert swap_names("I went to Macy's yesterday.")[0] == "I went to Busan yesterday."
    assert swap_names("I work at Trader Joe's.")[1] == [Swap("Trader Joe's", "Busan", "부산")]
    # a possessive before a noun stays one
    assert swap_names("I met John's mother.") == ("I met Junho's mother.", [Swap("John", "Junho", "준호")])
    assert swap_names("We met at John's house.")[0] == "We met at Busan's house."


def test_a_list_of_three_or_more_names_is_one_placeholder():
    # four names took four placeholders; the model dropped the first, and the sentence fell back to
    # the as-typed translation, 저는 2015년 쉴 때마다 떨어져서 학교에 가요.
    assert swap_names("John, Mary, Kate and Anna went to school.") == (
        "Junho went to school.", [Swap("John, Mary, Kate, Anna", "Junho", "준호")]
    )  # fmt: skip
    assert swap_names("I met John, Mary, Kate, and Anna.")[0] == "I met Junho."  # the serial comma
    assert swap_names("I visited Boston, Chicago and Denver last year.") == (
        "I visited Busan last year.", [Swap("Boston, Chicago, Denver", "Busan", "부산")]
    )  # fmt: skip
    # two names are two placeholders, as the model reads them well (John이랑 Mary가 학교에 갔어요.)
    assert swap_names("John and Mary went to school.")[0] == "Junho and Minji went to school."
    assert swap_names("John, Mary is here.")[0] == "Junho, Minji is here."  # no list: no "and"


def test_the_shipped_translator_carries_a_place_with_its_region_a_shop_and_a_list(translator):
    out = translator.translate(
        ["I flew from Dallas, Texas.", "I ate at McDonald's.", "John, Mary, Kate and Anna went to school."],
        beam=3,
        mbr=False,
    )
    assert [t.names_carried for t in out] == [["Dallas, Texas"], ["McDonald's"], ["John, Mary, Kate, Anna"]]
    assert "Dallas, Texas" in out[0].text and "씨" not in out[0].text  # a place, not a person (Texas 씨가)
    assert "McDonald's에서" in out[1].text
    assert "John, Mary, Kate, Anna" in out[2].text and "학교" in out[2].text


def test_a_sentence_may_open_with_a_name_the_corpus_writes_as_a_noun_that_needs_an_article():
    # "Bill is my friend." was read as the bill: 아침은 제 친구예요. The corpus writes bill only after an
    # article (the bill), so as a subject without one it is a name
    assert swap_names("Bill is my friend.") == ("Junho is my friend.", [Swap("Bill", "Junho", "준호")])
    assert swap_names("Bill called me yesterday.")[0] == "Junho called me yesterday."
    assert swap_names("Bill Gates is rich.")[1] == [Swap("Bill Gates", "Junho", "준호")]
    for sentence in (
        "Hope you are well.",  # a verb to the corpus (I hope)
        "Mark the date.",  # please mark
        "Dinner is ready.",  # a sentence of the corpus opens with it
        "Mother is cooking.",  # said of someone's (my mother): the word names her
        "Bills are due.",  # a plural
        "Whole family came.",  # no verb after it
    ):
        assert swap_names(sentence) == (sentence, []), sentence


def test_the_shipped_translator_carries_a_name_opening_a_sentence(translator):
    out = translator.translate(["Bill is my friend."], beam=3, mbr=False)[0]
    assert (
        out.names_carried == ["Bill"] and "Bill" in out.text and "친구" in out.text and "아침" not in out.text
    )


def test_an_adverb_opening_a_sentence_is_carried_as_an_adverb_not_a_person_addressed():
    # "Meanwhile, I went home." read Meanwhile as a person addressed: Meanwhile 씨, 집에 갔어요.
    assert swap_names("Meanwhile, I went home.") == (
        "Honestly, I went home.", [Swap("Meanwhile", "Honestly", "솔직히", adverb=True)]
    )  # fmt: skip
    assert swap_names("Moreover, it is cheap.")[0] == "Honestly, it is cheap."  # more + over
    assert swap_names("Hopefully, it will not rain.")[0] == "Honestly, it will not rain."  # hopeful + ly
    assert swap_names("However, I was tired.")[0] == "Honestly, I was tired."  # how + ever
    assert swap_names("Nevertheless, we went out.")[0] == "Honestly, we went out."  # never + the + less
    # a name addressed is still one, and so is a place with its region
    assert swap_names("John, I went home.")[0] == "Junho, I went home."
    assert swap_names("Kelly, come here.")[0] == "Junho, come here."  # kel is no word
    assert swap_names("Meanwhile I went home.")[1][0].adverb is False  # no comma: read as before
    # the placeholder said by the sentence itself: the adverb is read as typed, the names still carried
    assert swap_names("Meanwhile, Honestly John left.")[1] == [Swap("Honestly John", "Junho", "준호")]


def test_put_back_writes_the_adverb_with_its_comma():
    meanwhile = Swap("Meanwhile", "Honestly", "솔직히", adverb=True)
    assert put_back("솔직히 집에 갔어요.", [meanwhile]) == "Meanwhile, 집에 갔어요."
    assert put_back("솔직히, 집에 갔어요.", [meanwhile]) == "Meanwhile, 집에 갔어요."
    assert put_back("집에 갔어요.", [meanwhile]) is None


def test_the_shipped_translator_carries_an_adverb_it_never_learned(translator):
    out = translator.translate(["Meanwhile, I went home."])[0]  # its own decoding: Meanwhile 씨, 집에 갔어요.
    assert out.read_as == "Honestly, I went home."
    assert out.text.startswith("Meanwhile, ") and "씨" not in out.text
    assert out.names_carried is None  # the page listed it under "names the model never learned"
    assert "집에" in out.text
