"""``caption describe --plot`` on many images: each panel names its file, and the figure stays a
picture one can open (the first images only, said on stderr; every caption is still printed)."""

import shutil

import pytest
from helpers_caption import cli_trained

from rnnkit.cli import main
from rnnkit.utils.fonts import hangul_font


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    counts = {"train": 30, "val": 6, "test": 1, "heldout": 1}
    data, run = cli_trained(tmp_path_factory.mktemp("describe_plot"), counts, 5,
                            "--epochs", "1", "--hidden", "16", "--embed", "8", "--channels", "16", "--device", "cpu")  # fmt: skip
    return data / "images", run


def drawn_images(fig) -> int:
    return sum(1 for ax in fig.axes if ax.images)


def texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_many_images_draw_the_first_ones_and_say_so(trained, figures, tmp_path, capsys):
    # 200 images made a 950 x 15,000-pixel caption grid and a 28,000-pixel attention figure in a minute
    images, run = trained
    paths = sorted(str(p) for p in images.glob("train_*.png"))
    assert len(paths) == 30
    assert main(["caption", "describe", "--model", str(run), *paths, "--plot", str(tmp_path / "p.png")]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 30  # every caption printed
    assert "rnnkit: --plot draws the first 24 of 30 images and the attention of the first 8;" in err
    assert drawn_images(figures["p.png"]) == 24
    heads = [ax for ax in figures["p_attention.png"].axes if ax.get_title().startswith("image")]
    assert len(heads) == 8


def test_each_panel_names_its_file(trained, figures, tmp_path, capsys):
    # the panels showed captions only: with several images, which file was which was left to guess
    images, run = trained
    named = tmp_path / "my scene 한글.png"
    shutil.copy(images / "train_00003.png", named)
    other = images / "train_00007.png"
    assert main(["caption", "describe", "--model", str(run), str(other), str(named), "--plot",
                 str(tmp_path / "p.png")]) == 0  # fmt: skip
    assert "--plot draws" not in capsys.readouterr().err  # all of them drawn: nothing to say
    # drawn as named where a Hangul font is installed; without one each syllable is a '?', never a box
    shown = "my scene 한글.png" if hangul_font() is not None else "my scene ??.png"
    assert texts(figures["p.png"]) == ["train_00007.png", shown]


def test_dash_reads_one_image_from_standard_input(trained, tmp_path, monkeypatch, capsys):
    # '-' was looked for as a file: 'image not found: -'
    import io

    images, run = trained
    png = images / "train_00004.png"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(png.read_bytes())))
    assert main(["caption", "describe", "--model", str(run), "-", str(png)]) == 0
    (dash, piped), (path, read) = (line.split("\t") for line in capsys.readouterr().out.splitlines())
    assert (dash, path) == ("-", str(png)) and piped == read
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"not an image\n")))
    assert main(["caption", "describe", "--model", str(run), "-"]) == 2
    assert capsys.readouterr().err == "rnnkit: error: unreadable image - (a text file, not a picture)\n"
    assert main(["caption", "describe", "--model", str(run), "-", "-"]) == 2
    assert "given more than once" in capsys.readouterr().err


def test_the_api_reads_an_open_binary_file(trained):
    import io

    from rnnkit.caption import Captioner

    images, run = trained
    cap = Captioner.from_pretrained(run, device="cpu")
    png = images / "train_00004.png"
    with open(png, "rb") as f:
        found = cap.describe([io.BytesIO(png.read_bytes()), f, png], beam=1)
    assert len(found) == 3 and len({(d.caption, d.ood_score) for d in found}) == 1
