"""A JSON Lines record with the keys but a value that is not text (``{"en": 5, "ko": null}``) says what
the values are; it said ``(it has 'en', 'ko': --src-col and --tgt-col name the keys)``, pointing at keys
that were right."""

from __future__ import annotations

from rnnkit.cli import main
from rnnkit.translate.corpus_records import json_line


def test_values_that_are_not_text_are_shown():
    record = json_line(2, '{"en": 5, "ko": null}', ("en", "ko"))
    assert record.why == "needs string fields 'en' and 'ko' ('en' is 5, 'ko' is null)"
    record = json_line(3, '{"en": "I am.", "ko": ["저는", "' + "가" * 60 + '"]}', ("en", "ko"))
    written = '["저는", "' + "가" * 60 + '"]'  # 72 characters: cut to 39 and an ellipsis
    assert record.why == f"needs string fields 'en' and 'ko' ('ko' is {written[:39]}…)"


def test_keys_that_are_missing_still_name_the_keys_there():
    record = json_line(4, '{"english": "I am.", "korean": "저는."}', ("en", "ko"))
    assert record.why == (
        "needs string fields 'en' and 'ko' (it has 'english', 'korean': --src-col and --tgt-col name the keys)"
    )


def test_check_corpus_names_the_values(tmp_path, capsys):
    corpus = tmp_path / "pairs.jsonl"
    corpus.write_text(
        '{"en": "I am a student.", "ko": "저는 학생이에요."}\n{"en": true, "ko": "네."}\n', encoding="utf-8"
    )
    assert main(["translate", "check-corpus", str(corpus)]) == 1
    assert "line 2: malformed: needs string fields 'en' and 'ko' ('en' is true)" in capsys.readouterr().out
