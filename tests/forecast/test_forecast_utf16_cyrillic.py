"""A UTF-16 CSV saved without its byte-order mark whose header is Russian: forecast's own UTF-16 rule (one
byte of each pair all NUL) missed it (д is 0x34 0x04, no NUL), and the file was read as garbled UTF-8:
"column '\\x007\\x04=\\x040\\x04G\\x04...' of ru.csv is not numeric: line 2 holds '\\x001\\x00'". Forecast now
names UTF-16 by the rule every rnnkit reader uses (rnnkit.utils.byte_order.utf16_unmarked)."""

from __future__ import annotations

import pytest

from rnnkit.cli import main
from rnnkit.forecast.data import load_series
from rnnkit.utils.errors import RnnkitError

RU = "дата,значение\n" + "".join(f"2020-01-{i:02d},{i}\n" for i in range(1, 29))
SAID = "is UTF-16 text without a byte-order mark; save the file as UTF-8 and try again"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_russian_header_in_utf16_without_its_mark_is_named_utf16(tmp_path, encoding, one_line_error):
    path = tmp_path / "ru.csv"
    path.write_bytes(RU.encode(encoding))
    code = main(["forecast", "train", "--data", str(path), "--out", str(tmp_path / "m"), "--quiet"])
    assert code == 2
    said = one_line_error(f"{path} {SAID}")
    assert "\\x00" not in said and "not numeric" not in said
    assert not (tmp_path / "m").exists()
    with pytest.raises(RnnkitError, match="UTF-16 text without a byte-order mark"):
        load_series(path)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-8-sig"])
def test_the_same_file_with_a_mark_or_in_utf8_is_read(tmp_path, encoding):
    path = tmp_path / "ru.csv"
    path.write_bytes(RU.encode(encoding))
    series = load_series(path)
    assert series.values.shape == (28, 1) and series.values[-1, 0] == 28
