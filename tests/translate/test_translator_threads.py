"""One Translator called from two threads at once (``rnnkit serve`` does, on its worker threads) gives
each call the translation it gives alone: decoding keeps no state on the translator or its model."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from rnnkit.translate import Translator

SENTENCES = ["I am a student.", "It is raining.", "I like apples.", "Where is the station?", "Thank you."]


def test_two_threads_get_what_one_gets(tiny_model):
    tr = Translator.from_pretrained(tiny_model, device="cpu")
    options = dict(beam=2, n_best=2, attention=True, trace=True, mbr=False)  # as the web page asks

    def call(text: str) -> tuple:
        (t,) = tr.translate([text], **options)
        return t.text, t.alternatives, t.attention.tolist()

    alone = {text: call(text) for text in SENTENCES}
    asked = SENTENCES * 8
    with ThreadPoolExecutor(max_workers=2) as pool:
        together = list(pool.map(call, asked))
    assert together == [alone[text] for text in asked]
