"""A text of characters that show nothing (a zero-width space, a byte-order mark, a soft hyphen) is
given back as it is, never decoded: the model reads it as no source at all, and ``as_typed=True`` (and
``translate text --as-typed``) made a sentence of it."""

from __future__ import annotations

import pytest

from rnnkit.cli import main
from rnnkit.translate import Translator


@pytest.mark.parametrize("as_typed", [False, True], ids=["read", "as-typed"])
@pytest.mark.parametrize(
    "text", ["\u200b", " \ufeff ", "\u00ad\u2060"], ids=["zwsp", "bom", "soft-hyphen-joiner"]
)
def test_invisible_text_comes_back_as_typed(tiny_model, text, as_typed):
    tr = Translator.from_pretrained(tiny_model, device="cpu")
    (t,) = tr.translate([text], beam=2, as_typed=as_typed)
    assert (t.text, t.ids, t.src_pieces) == (text.strip(), [], [])


def test_text_as_typed_keeps_an_invisible_line_as_its_own_line(tiny_model, capsys):
    code = main(["translate", "text", "--model", str(tiny_model), "--as-typed", "--beam", "1",
                 "I am a student.", "\u200b", "Thank you."])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.split("\n")[1] == "\u200b" and out.count("\n") == 3
