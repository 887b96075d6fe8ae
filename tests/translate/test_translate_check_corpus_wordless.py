"""check-corpus of English sides without a word (session 33): '😀' and '!!!' lost everything to the near
key, so '😀' was named a "near duplicate" of '!!!' "but for punctuation, case or contractions" (emoji are
none of those), beside the "wrong script" each line gets for holding no Latin letter."""

from __future__ import annotations

from rnnkit.cli import main


def test_english_without_words_is_no_near_duplicate(tmp_path, capsys):
    corpus = tmp_path / "c.tsv"
    corpus.write_text("I am a student.\t저는 학생이에요.\n!!!\t!!!\n😀\t😀\nI am a student!\t저는 학생이에요!\n",
                      encoding="utf-8")  # fmt: skip
    assert main(["translate", "check-corpus", str(corpus)]) == 1
    out = capsys.readouterr().out
    assert "line 3: near duplicate" not in out, out
    assert "line 3: wrong script: no Latin letters on the English side" in out
    # a real one is still found
    assert (
        "line 4: near duplicate: 'I am a student!' is line 1 but for punctuation, case or contractions" in out
    )
