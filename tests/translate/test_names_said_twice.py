"""Names said twice, and a sentence opening with a noun or a name the corpus writes in lower case
(rnnkit.translate.names)."""

from __future__ import annotations

import pytest

from rnnkit.translate.names import Swap, keeps_placeholders, put_back, said_of_a_person, swap_names


@pytest.fixture(scope="module")
def translator():
    from rnnkit.translate import Translator

    return Translator.load()


def test_a_noun_opening_a_sentence_about_a_thing_is_no_name():
    # "Party was fun." and "Internet is slow." were carried as names (Party가 재미있었어요., Internet이
    # 느려요.): the corpus writes party and internet only after an article, as it writes bill
    for sentence in ("Party was fun.", "Internet is slow.", "Concert was amazing.", "Hotel was nice."):
        assert swap_names(sentence) == (sentence, []), sentence


def test_a_word_opening_a_sentence_about_a_person_is_a_name():
    assert swap_names("Bill is my friend.")[1] == [Swap("Bill", "Junho", "준호")]
    assert swap_names("Bill is tired.")[1] == [Swap("Bill", "Junho", "준호")]
    # mark: 4 times in lower case, never as a noun after an article; what it did is said of a person
    assert swap_names("Mark called me yesterday.") == (
        "Junho called me yesterday.",
        [Swap("Mark", "Junho", "준호")],
    )
    assert swap_names("Mark the date.")[1] == []  # a command: no subject


@pytest.mark.parametrize(
    ("rest", "person"),
    [
        (["is", "my", "friend."], True),  # he is my friend: 4 times, it is my friend: never
        (["called", "me."], True),
        (["is", "tired."], True),
        (["was", "fun."], False),  # it was fun
        (["is", "slow."], False),
        (["was", "so", "delicious!"], False),
        (["is", "my", "hobby."], False),  # neither: not a person
        ([], False),
    ],
)
def test_what_the_corpus_says_of_a_person(rest, person):
    assert said_of_a_person(rest) is person


def test_a_name_said_again_takes_a_placeholder_of_its_own_while_one_is_left():
    # the model translates two corpus names better than one said twice: "Junho said Junho is tired."
    # gave John은 John이 피곤해요., "Junho said Minji is tired." John은 John이 피곤하다고 하셨어요.
    read, swaps = swap_names("John said John is tired.")
    assert read == "Junho said Minji is tired."
    assert swaps == [Swap("John", "Junho", "준호"), Swap("John", "Minji", "민지")]
    assert put_back("준호는 민지가 피곤하다고 했어요.", swaps) == "John은 John이 피곤하다고 했어요."


def test_a_name_said_again_once_every_placeholder_is_taken_takes_the_one_it_took():
    # two place placeholders: the third place was left as typed, and the model garbled it
    read, swaps = swap_names("I flew from Chicago to Boston and back to Chicago.")
    assert read == "I flew from Busan to Daegu and back to Busan."
    assert [(s.name, s.placeholder) for s in swaps] == [
        ("Chicago", "Busan"),
        ("Boston", "Daegu"),
        ("Chicago", "Busan"),
    ]
    # 부산에서 대구로 갔다가 부산으로 돌아왔어요: from Busan to Daegu and back to Busan
    said = "부산에서 대구로 갔다가 부산으로 돌아왔어요."
    assert put_back(said, swaps) == "Chicago에서 Boston으로 갔다가 Chicago로 돌아왔어요."


def test_a_placeholder_is_kept_said_at_least_once_and_no_more_often_than_the_source_says_it():
    chicago, boston = Swap("Chicago", "Busan", "부산"), Swap("Boston", "Daegu", "대구")
    swaps = [chicago, boston, chicago]
    assert keeps_placeholders("부산에서 대구로 갔다가 부산으로 돌아왔어요.", swaps)
    # Korean may say a repeated place once (대구에 갔다가 부산으로 돌아왔어요: went to Daegu and came back to Busan)
    assert keeps_placeholders("대구에 갔다가 부산으로 돌아왔어요.", swaps)
    assert put_back("대구에 갔다가 부산으로 돌아왔어요.", swaps) == "Boston에 갔다가 Chicago로 돌아왔어요."
    assert not keeps_placeholders("부산에서 부산으로 부산에 갔어요.", swaps)  # three times: which is Boston?
    assert not keeps_placeholders("부산으로 돌아왔어요.", swaps)  # Boston lost
    assert put_back("부산에서 부산으로 부산에 갔어요.", swaps) is None
    john = [Swap("John", "Junho", "준호")]
    assert not keeps_placeholders("준호가 준호를 봤어요.", john)  # said once, not twice


@pytest.mark.parametrize("mbr", [False, True])
def test_of_the_beams_hypotheses_one_that_keeps_a_placeholder_said_twice_is_chosen(translator, mbr):
    from rnnkit.translate.decode import Hypothesis

    # 대구로 갔어요 (went to Daegu): Chicago lost; 대구에 갔다가 부산으로 돌아왔어요 (went to Daegu and came
    # back to Busan) keeps it, said once; 부산에서 대구로 갔다가 부산으로 돌아왔어요 (from Busan to Daegu and
    # back to Busan) says it as often as the source
    texts = [
        "대구로 갔어요.",
        "대구에 갔다가 부산으로 돌아왔어요.",
        "부산에서 대구로 갔다가 부산으로 돌아왔어요.",
    ]
    hyps = [
        Hypothesis(translator.tgt_tok.encode(t), -1.0 - k, rank_score=-1.0 - k) for k, t in enumerate(texts)
    ]
    swaps = swap_names("I flew from Chicago to Boston and back to Chicago.")[1]

    def chosen(n: int) -> str:
        return translator.tgt_tok.decode(translator._choose(hyps[:n], [], mbr, swaps).ids)

    assert chosen(3) == texts[2]
    assert chosen(2) == texts[1]
    assert keeps_placeholders(texts[2], swaps, exactly=True) and not keeps_placeholders(texts[1], swaps, True)


def test_the_shipped_translator_puts_a_name_said_twice_back_twice(translator):
    # as typed, the model wrote 여름마다 일 등을 구우세요. (bake one and so on every summer) with beam 3; its
    # own decoding (beam 24 and MBR) keeps every placeholder
    out = translator.translate(["I flew from Chicago to Boston and back to Chicago."])[0]
    assert out.names_carried == ["Chicago", "Boston", "Chicago"]
    assert out.read_as == "I flew from Busan to Daegu and back to Busan."
    assert "Boston" in out.text and "Chicago" in out.text and "부산" not in out.text
