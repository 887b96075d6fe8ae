"""The demo's outputs checked together before any work (rnnkit.utils.planned)."""

from __future__ import annotations

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
