"""``translate text``'s progress counts lines, what the user gave. It counted windows, which grow from
one batch to 16 as they are read, so the time left was read off windows of unequal size: a 5,000-line
file said "translating: 1/8 (5.9s, about 40 s left)", then "5/8 (90.9s, about 50 s left)", and took
minutes more."""

from __future__ import annotations

import re

from rnnkit.cli import main


def test_the_progress_of_a_file_counts_its_lines(tiny_model, tmp_path, capsys):
    src = tmp_path / "in.txt"
    lines = ["I like coffee." if i % 5 else "" for i in range(40)]  # blank lines are lines too
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = [
        "translate",
        "text",
        "--model",
        str(tiny_model),
        "--input",
        str(src),
        "--output",
        str(tmp_path / "o"),
    ]
    assert main([*args, "--beam", "1", "--batch-size", "2", "--progress"]) == 0
    counts = re.findall(r"translating: (\d+)/(\d+)", capsys.readouterr().err)
    assert counts and {total for _, total in counts} == {"40"} and counts[-1] == ("40", "40")


def test_sentences_given_as_arguments_are_counted_as_lines(tiny_model, capsys):
    sentences = ["I like coffee.", "", "Thank you.", "It is cold today."]
    assert (
        main(
            ["translate", "text", "--model", str(tiny_model), "--beam", "1", "--batch-size", "1", *sentences]
        )
        == 0
    )
    assert "translating: 4/4" in capsys.readouterr().err
