"""The corpus readers on hostile files: a CSV field over 128 KiB, deeply nested or huge JSONL values
(issue 10, item 9), and any bytes in any format (hypothesis): pairs or one line, never a traceback."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnkit.cli import main
from rnnkit.translate.corpus import read_corpus
from rnnkit.utils.errors import RnnkitError


def test_a_csv_field_over_128_kib_is_one_line_naming_the_line(tmp_path, capsys):
    path = tmp_path / "big.csv"
    path.write_text('en,ko\nHello.,안녕하세요.\n"' + "x" * (200 * 1024) + '",거대한\n')
    with pytest.raises(RnnkitError) as info:
        read_corpus(path)
    assert f"{path}:" in str(info.value) and "field larger than field limit" in str(info.value)
    assert main(["translate", "train", "--corpus", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rnnkit: error: ") and err.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_an_unclosed_quote_is_one_line(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('en,ko\n"Hello.,안녕\n' + "Bye.,잘가\n" * 20_000)
    with pytest.raises(RnnkitError, match="unclosed quote"):
        read_corpus(path)


def test_a_quote_opening_a_tsv_sentence_is_text_and_swallows_no_line(tmp_path):
    # TSV is a line per record (as --stream reads it); csv's quoting had merged these lines into one pair
    path = tmp_path / "q.tsv"
    path.write_text('en\tko\n"Go\t가.\nOne.\t하나.\nTwo."\t둘.\n"Wait," he said.\t"기다려," 그가 말했다.\n')
    pairs, report = read_corpus(path)
    assert pairs == [
        ('"Go', "가."),
        ("One.", "하나."),
        ('Two."', "둘."),
        ('"Wait," he said.', '"기다려," 그가 말했다.'),
    ]
    assert report.lines == 5


def test_hostile_jsonl_lines_are_counted_not_raised(tmp_path):
    path = tmp_path / "c.jsonl"
    lines = [
        json.dumps({"en": "Hello.", "ko": "안녕하세요."}),
        '{"en": ' + "[" * 100_000 + "]" * 100_000 + ', "ko": "x"}',
        '{"en": "Big.", "ko": "큰", "n": ' + "9" * 5000 + "}",
        '{"en": "Nan.", "ko": "난", "n": NaN}',
        json.dumps({"en": {"nested": ["Hello."]}, "ko": "안녕"}),
        json.dumps({"en": "Thanks.", "ko": "고마워요."}),
    ]
    path.write_text("\n".join(lines) + "\n")
    pairs, report = read_corpus(path)
    assert pairs == [("Hello.", "안녕하세요."), ("Thanks.", "고마워요.")]
    assert report.malformed == 4
    summary = report.summary()
    assert "line 2: the line is nested more than" in summary
    assert "line 3: the line holds a 5000-digit number" in summary
    assert "line 4: the line holds NaN" in summary
    assert "line 5: needs string fields 'en' and 'ko'" in summary


FORMATS = {"anki": "c.tsv", "tsv": "c.tsv", "csv": "c.csv", "jsonl": "c.jsonl"}


@settings(max_examples=100, deadline=20_000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400), st.sampled_from(sorted(FORMATS)))
def test_any_bytes_give_pairs_or_one_line(tmp_path, data, fmt):
    path = tmp_path / FORMATS[fmt]
    path.write_bytes(data)
    try:
        pairs, report = read_corpus(path, fmt=fmt)
    except RnnkitError as exc:
        assert "\n" not in str(exc)
    else:
        assert pairs and all(isinstance(s, str) and isinstance(t, str) and s and t for s, t in pairs)
        assert "\n" not in report.summary()


text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=60, deadline=20_000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(text, min_size=0, max_size=4), max_size=10), st.sampled_from(sorted(FORMATS)))
def test_any_rows_give_pairs_or_one_line(tmp_path, rows, fmt):
    path = tmp_path / FORMATS[fmt]
    sep = {"csv": ","}.get(fmt, "\t")
    if fmt == "jsonl":
        body = "\n".join(json.dumps(dict(zip(("en", "ko", "x", "y"), r, strict=False))) for r in rows)
    else:
        header = "" if fmt == "anki" else f"en{sep}ko\n"
        body = header + "\n".join(sep.join(r) for r in rows)
    path.write_text(body + "\n", encoding="utf-8")
    try:
        pairs, _ = read_corpus(path, fmt=fmt)
    except RnnkitError as exc:
        assert "\n" not in str(exc)
    else:
        assert all(s and t for s, t in pairs)
