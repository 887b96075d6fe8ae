"""The attention of a text of many sentences is block-diagonal, growing with its length squared:
``translate text --plot`` of a 32 KB line asked 6.5 GB for it (a traceback where the allocation failed,
the machine's memory where it did not), and a text of 7,500 pieces was beyond what matplotlib draws.
Past ``MAX_ATTENTION_CELLS`` a text keeps no attention, and ``--plot`` says in one line why."""

from __future__ import annotations

import pytest
import torch

from rnnkit.cli import main
from rnnkit.translate import Translator
from rnnkit.translate.translator import MAX_ATTENTION_CELLS, Translation, joined


def sentence(pieces: int) -> Translation:
    """A sentence's translation of ``pieces`` source and output pieces, attending evenly."""
    return Translation("Hi.", "안녕.", [0] * pieces, ["x"] * pieces, ["y"] * pieces, False, False,
                       attention=torch.full((pieces, pieces), 1.0 / pieces), score=-1.0)  # fmt: skip


def test_a_text_too_long_for_its_attention_keeps_none_and_its_translation():
    part = sentence(8)
    n = int((MAX_ATTENTION_CELLS / 64) ** 0.5) + 1  # n sentences of 8 x 8: (8n)^2 cells, just past it
    long = joined([part] * n, " ".join(["Hi."] * n))
    assert long.attention is None and long.text == " ".join(["안녕."] * n)
    short = joined([part] * (n - 1), " ".join(["Hi."] * (n - 1)))
    assert short.attention.shape == (8 * (n - 1), 8 * (n - 1))
    torch.testing.assert_close(short.attention.sum(dim=1), torch.ones(8 * (n - 1)))


def test_plot_of_a_line_of_many_sentences_is_one_line_and_the_translations_are_printed(
    tiny_model, tmp_path, capsys
):
    lines = tmp_path / "in.txt"
    lines.write_text("I am a student. " * 400 + "\nThank you.\n", encoding="utf-8")
    plot = tmp_path / "att.png"
    code = main(["translate", "text", "--model", str(tiny_model), "--beam", "1", "--input", str(lines),
                 "--plot", str(plot)])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 2 and out.count("\n") == 2 and not plot.exists()
    assert err.splitlines()[-1].startswith(f"rnnkit: error: --plot {plot}: the first line translated, of ")
    assert err.endswith(
        " source pieces, is too long to plot: put the sentence to plot on a line of its own\n"
    )


def test_translate_with_attention_of_a_long_text_gives_none_not_a_huge_matrix(tiny_model):
    tr = Translator.from_pretrained(tiny_model, device="cpu")
    (t,) = tr.translate(["I am a student. " * 400], beam=1, attention=True)
    assert t.attention is None and t.text and len(t.src_pieces) > 2000


def test_a_heatmap_of_more_pieces_than_matplotlib_draws_is_one_line():
    from rnnkit.translate.plots import MAX_HEATMAP_PIECES, attention_heatmap
    from rnnkit.utils.errors import RnnkitError

    n = MAX_HEATMAP_PIECES + 1
    with pytest.raises(RnnkitError, match=rf"^the attention heatmap shows at most {n - 1} pieces a side, and this one has 2 output and {n} source pieces: plot a shorter text$"):  # fmt: skip
        attention_heatmap(torch.ones(2, n) / n, ["x"] * n, ["y"] * 2)


def test_a_heatmap_of_more_cells_than_it_draws_in_reasonable_memory_is_one_line():
    from rnnkit.translate.plots import MAX_HEATMAP_CELLS, attention_heatmap
    from rnnkit.utils.errors import RnnkitError

    # 300 x 300 pieces, each side under the 1,000 a side: it drew for minutes, asking gigabytes
    with pytest.raises(RnnkitError, match=rf"^the attention heatmap shows at most {MAX_HEATMAP_CELLS:,} cells \(about 140 pieces a side\), and this one has 300 output x 300 source pieces: plot a shorter text$"):  # fmt: skip
        attention_heatmap(torch.rand(300, 300), ["x"] * 300, ["y"] * 300)
