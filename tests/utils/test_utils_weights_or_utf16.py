"""Weights or text (review of a2aee1e2). A pickle was any file opening ``\\x80`` and a protocol of 2 to 5,
and UTF-16 text without its byte-order mark opens so too: Chinese in UTF-16 BE starting with 考 or 者
(U+8003, U+8005: bytes 80 03, 80 05), Armenian in LE with ր (U+0580: 80 05). ``translate check-corpus``
called such a corpus 'a Python pickle, not text', and so did ``translate text --input``; now the UTF-16
test comes first and a pickle is one only when its opcodes read as one (byte_order._pickle). And a
torch.save file read from a pipe a few bytes at a time was 'a zip archive' (its first member's name,
which names it, had not arrived): the reader now waits for it."""

from __future__ import annotations

import io
import pickle
import zipfile

import pytest
import torch

from rnnkit.cli import main
from rnnkit.utils.byte_order import MAGIC_BYTES, not_text, weights
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.linestream import LineReader

ZH_BE = "考试很难\tThe exam is hard\n我们走吧\tLet's go\n".encode("utf-16-be")  # 80 03 8b d5 ...
ZH_BE_5 = "者也\t而已\n考试\t很难\n".encode("utf-16-be")  # 80 05 4e 5f ...: few NUL bytes
HY_LE = "րոպե\tminute\nրոպե մը\ta minute\n".encode("utf-16-le")  # 80 05 78 05 ...


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (
            ZH_BE,
            "every other byte is NUL, as in UTF-16 text saved without a byte-order mark; save it as UTF-8",
        ),
        (ZH_BE_5, "is UTF-16 BE text saved without a byte-order mark; save it as UTF-8"),
        (
            HY_LE,
            "every other byte is NUL, as in UTF-16 text saved without a byte-order mark; save it as UTF-8",
        ),
    ],
    ids=["zh-be-U+8003", "zh-be-U+8005", "hy-le-U+0580"],
)
def test_utf16_text_opening_like_a_pickle_is_named_utf16(tmp_path, one_line_error, data, said):
    assert data[:1] == b"\x80" and 2 <= data[1] <= 5
    path = tmp_path / "corpus.tsv"
    path.write_bytes(data)
    assert main(["translate", "check-corpus", str(path)]) == 2
    assert "pickle" not in one_line_error(said)
    assert weights(data[:MAGIC_BYTES]) is None and not_text(data[:MAGIC_BYTES]) is None
    # translate text --input and standard input: no longer 'a Python pickle'
    with pytest.raises(RnnkitError, match="line 1 is not utf-8 text"):
        list(LineReader(io.BytesIO(data), source="corpus.tsv").batches(4))


def _legacy_torch_save(folder) -> bytes:  # noqa: ANN001
    torch.save({"w": torch.randn(3, 2)}, folder / "old.pt", _use_new_zipfile_serialization=False)
    return (folder / "old.pt").read_bytes()


def _zip_torch_save(folder) -> bytes:  # noqa: ANN001
    # saved as a.pt: its first member a/data.pkl, whose name's length (10) is a line feed at byte 26, so a
    # reader at the line's NUL bytes looked at the first 28 bytes, before the name
    torch.save({"w": torch.randn(3, 2)}, folder / "a.pt")
    return (folder / "a.pt").read_bytes()


STATE = {"encoder.weight": torch.randn(4, 3), "encoder.bias": torch.randn(4)}
OBJECTS = {
    "state_dict": STATE,
    "floats": {"weight": [0.5] * 4},
    "long list": list(range(1000)),
    "long dict": {f"layer{i}.weight": i for i in range(100)},
}


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
@pytest.mark.parametrize("obj", list(OBJECTS))
def test_real_pickles_are_still_named(protocol, obj):
    data = pickle.dumps(OBJECTS[obj], protocol=protocol)
    assert weights(data[:MAGIC_BYTES]) == "a Python pickle"  # the whole file, or its first bytes


def test_torch_save_files_and_safetensors_are_still_named(tmp_path):
    from safetensors.torch import save_file

    save_file(STATE, str(tmp_path / "model.safetensors"))
    assert (
        weights((tmp_path / "model.safetensors").read_bytes()[:MAGIC_BYTES]) == "model weights (safetensors)"
    )
    assert weights(_zip_torch_save(tmp_path)[:MAGIC_BYTES]) == "model weights (a torch.save file)"
    assert weights(_legacy_torch_save(tmp_path)[:MAGIC_BYTES]) == "a Python pickle"


class _Slow(io.RawIOBase):
    """A pipe handing over ``n`` bytes a read."""

    def __init__(self, data: bytes, n: int) -> None:
        self.data, self.n = data, n

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001
        k = min(len(buffer), self.n, len(self.data))
        buffer[:k], self.data = self.data[:k], self.data[k:]
        return k


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (_zip_torch_save, "model weights (a torch.save file)"),
        (_legacy_torch_save, "a Python pickle"),
        (lambda _: pickle.dumps(STATE, protocol=5), "a Python pickle"),
        (lambda _: pickle.dumps({"weight": [0.5] * 4}, protocol=4), "a Python pickle"),
    ],
    ids=["torch.save", "legacy-torch.save", "pickle-5", "small-pickle-4"],
)
@pytest.mark.parametrize("n", [1, 7, 1 << 16])
def test_weights_from_a_slow_pipe_are_named_as_from_a_file(tmp_path, data, what, n):
    reader = LineReader(io.BufferedReader(_Slow(data(tmp_path), n), 7), source="a.pt")
    with pytest.raises(RnnkitError) as caught:
        list(reader.batches(4))
    assert str(caught.value) == f"a.pt is {what}, not text: give a text file"


def test_a_plain_zip_from_a_slow_pipe_is_still_an_archive(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("kor.txt", "Hi.\t안녕.\n")
    reader = LineReader(io.BufferedReader(_Slow(buf.getvalue(), 7), 7), source="pairs.zip")
    with pytest.raises(RnnkitError, match="pairs.zip is a zip archive, not text"):
        list(reader.batches(4))


# 38388946 let UTF-16 override any pickle: a real pickle holding UTF-16 bytes (its NULs at every other byte, as
# UTF-16 ASCII's) was no pickle; now UTF-16 overrides only a few opcodes, not a pickle read to its STOP or over
# PICKLE_SURE bytes of opcodes (the bytes' opcode and length counted)
UTF16_BYTES = "hello world\n".encode("utf-16-le") * 100
PICKLES_OF_UTF16 = {
    "dict, protocol 3": ({"text": UTF16_BYTES}, 3),
    "dict, protocol 2": ({"text": UTF16_BYTES}, 2),
    "dict, protocol 4": ({"t": UTF16_BYTES}, 4),
    "list, protocol 5": ([UTF16_BYTES], 5),
    "short bytes, protocol 3": ("hello world\n".encode("utf-16-be") * 3, 3),
}


@pytest.mark.parametrize("kind", list(PICKLES_OF_UTF16))
def test_a_pickle_holding_utf16_bytes_is_still_a_pickle(tmp_path, kind):
    from rnnkit.utils.byte_order import refuse_no_text

    obj, protocol = PICKLES_OF_UTF16[kind]
    data = pickle.dumps(obj, protocol=protocol)
    assert weights(data[:MAGIC_BYTES]) == "a Python pickle"
    with pytest.raises(RnnkitError, match="texts.pkl is a Python pickle, not text: give a text file"):
        refuse_no_text(data, tmp_path / "texts.pkl", "corpus file", "corpus.tsv")


@pytest.mark.parametrize(
    "head",
    [
        b"\x80\x02\x95" + bytes(8) + b"}" * 300,  # protocol 4's FRAME after a protocol 2 header
        b"\x80\x04}\x8e" + (1 << 48).to_bytes(8, "little") + b"x" * 300,  # BINBYTES8 of 256 TiB, cut
    ],
    ids=["opcode-newer-than-protocol", "absurd-length"],
)
def test_heads_no_pickle_writes_are_not_pickles(head):
    assert weights(head[:MAGIC_BYTES]) is None
