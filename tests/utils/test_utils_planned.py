"""The demo's outputs checked together before any work (rnnkit.utils.planned)."""

from __future__ import annotations

import os

import pytest

from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.planned import Planned, check_planned


def _model(folder, application: str = "caption") -> None:
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(f'{{"application": "{application}"}}')
    (folder / "model.safetensors").write_bytes(b"")


def test_a_model_folder_of_its_own_application_holding_a_users_file_is_refused(tmp_path):
    _model(tmp_path / "caption" / "model")
    check_planned([Planned.model(tmp_path / "caption" / "model", "caption")])  # its own: fine
    (tmp_path / "caption" / "model" / "notes.txt").write_text("mine")
    with pytest.raises(RnnkitError, match="also holds files a model folder does not"):
        check_planned([Planned.model(tmp_path / "caption" / "model", "caption")])


def test_another_applications_model_and_the_sections_own_check_are_refused(tmp_path):
    _model(tmp_path / "m", "translate")
    with pytest.raises(RnnkitError, match="translate model folder, not an rnnkit caption model folder"):
        check_planned([Planned.model(tmp_path / "m", "caption")])

    def refuse(path):
        raise RnnkitError(f"{path} refused by its writer")

    with pytest.raises(RnnkitError, match="refused by its writer"):
        check_planned([Planned.dataset(tmp_path / "data", refuse)])


@pytest.mark.parametrize("where", ["forecast", "forecast/ibm/model"])
def test_a_link_to_nothing_where_a_section_writes_is_named_a_link(tmp_path, where):
    """`demo --out D` with D/forecast a link to an unplugged disk said 'D/forecast is a file'."""
    (tmp_path / "forecast").symlink_to(tmp_path / "unplugged")
    planned = Planned.model(tmp_path / where, "forecast")
    with pytest.raises(
        RnnkitError, match=r"forecast(: it)? is a symbolic link to .*unplugged, which does not exist"
    ):
        check_planned([planned])


def test_a_folder_claimed_with_what_it_writes_keeps_a_users_entries_of_those_names(tmp_path, monkeypatch):
    """``--force`` writes into a user's folder keeping what is there: an entry of a name the command
    writes there (a file, or a folder it writes into) is refused before anything is made, in every
    process of a launch alike; in the command's own folder its own files are replaced as before, and
    what stands in the way of one (a folder where a file goes) is refused even there."""
    import os
    import shutil

    from rnnkit.utils.markers import Mark, write_mark
    from rnnkit.utils.outputs import Output, claimed
    from rnnkit.utils.planned import inside

    assert inside(tmp_path, ["a.csv", "jobs/"]) == (
        Planned.file(tmp_path / "a.csv"),
        Planned.folder(tmp_path / "jobs"),
    )
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.txt").write_text("mine")
    out = Output.folder("--out", mine, "test", "run", writes=["a.csv", "state/"])
    with claimed([out], force=True):  # nothing of those names: written into, keeping thesis.txt
        pass
    for name, make in (("a.csv", lambda p: p.write_text("mine")), ("state", lambda p: p.mkdir())):
        make(mine / name)
        for rank in ("1", "0"):  # process 1 of a launch, which only reads, refuses alike
            monkeypatch.setenv("RANK", rank)
            with pytest.raises(
                RnnkitError, match=f"--out .*mine holds {name}, which this command writes there"
            ):
                claimed([out], force=True).__enter__()
        assert sorted(os.listdir(mine)) == sorted(["thesis.txt", name])  # no marker, no lock left
        shutil.rmtree(mine / name) if name == "state" else (mine / name).unlink()
    monkeypatch.delenv("RANK")

    own = tmp_path / "own"
    own.mkdir()
    write_mark(own, Mark("test", "run"))
    (own / "a.csv").write_text("its own")
    with claimed([Output.folder("--out", own, "test", "run", writes=["a.csv"])]):
        pass
    os.remove(own / "a.csv")
    (own / "a.csv").mkdir()
    with pytest.raises(
        RnnkitError, match="cannot write .*a.csv: it is a folder, and rnnkit writes a file there"
    ):
        claimed([Output.folder("--out", own, "test", "run", writes=["a.csv"])]).__enter__()


def test_force_replaces_the_declared_entries_of_another_commands_results_folder(tmp_path):
    """A folder with another command's marker (``forecast backtest --out EV --force`` into an eval's
    folder, then ``forecast eval --out EV --force``) holds what rnnkit wrote there: its ``forecast.png``
    was refused as the user's, in a message blaming the user. With ``--force`` the declared names are
    replaced there, as in the command's own folder; an unmarked folder still refuses them."""
    from rnnkit.utils.markers import Mark, read_mark, write_mark
    from rnnkit.utils.outputs import Output, claimed

    ev = tmp_path / "ev"
    ev.mkdir()
    write_mark(ev, Mark("test", "backtest"))
    (ev / "forecast.png").write_text("written by rnnkit")
    out = Output.folder("--out", ev, "test", "eval", writes=["forecast.png"])
    with pytest.raises(RnnkitError, match="pass --force"):
        claimed([out]).__enter__()
    with claimed([out], force=True):
        assert read_mark(ev) == Mark("test", "eval")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "forecast.png").write_text("the user's")
    with pytest.raises(RnnkitError, match="--out .*mine holds forecast.png, .* it is not an rnnkit folder"):
        claimed(
            [Output.folder("--out", mine, "test", "eval", writes=["forecast.png"])], force=True
        ).__enter__()
    assert sorted(os.listdir(mine)) == ["forecast.png"]
