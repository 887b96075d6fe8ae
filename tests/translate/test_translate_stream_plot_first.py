"""``translate text --plot`` when the first line is copied, not decoded (session 25): a first line of
punctuation ("...") or an address alone has no attention, and the plot was a traceback
('NoneType' object has no attribute 'detach'). The plot is the first line the model translates; with
none, one error line and no file."""

from __future__ import annotations

from PIL import Image

from rnnkit.cli import main


def test_the_plot_skips_lines_copied_as_typed_to_the_first_translated(tmp_path, capsys, tiny_model):
    plot = tmp_path / "attention.png"
    args = ["translate", "text", "--model", str(tiny_model), "--beam", "1", "--plot", str(plot)]
    assert main([*args, "...", "https://example.com", "hello"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[:2] == ["...", "https://example.com"]
    assert f"attention plot: {plot}\n" in captured.err
    assert Image.open(plot).size[0] > 0


def test_no_line_translated_is_one_error_line_and_no_file(tmp_path, capsys, tiny_model):
    plot = tmp_path / "attention.png"
    args = ["translate", "text", "--model", str(tiny_model), "--beam", "1", "--plot", str(plot)]
    assert main([*args, "...", "?!"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "...\n?!\n"  # the translations are printed all the same
    assert captured.err == (
        f"rnnkit: error: --plot {plot}: no line was translated by the model (punctuation, numbers or an "
        "address alone is copied as typed), so there is no attention to plot\n"
    )
    assert not plot.exists()
