"""Session 22 review: ``--stream`` finds lines a chunk at a time. A chunk without a line end was
joined to the line held so far and split again, so a line of megabytes (a file with no line end:
a wrong file, a single-line export) took time growing with its square: 16 MB 2 s, 64 MB 35 s of CPU."""

from __future__ import annotations

import io
import random
import time

from rnnkit.translate import stream_corpus
from rnnkit.translate.corpus_text import file_lines
from rnnkit.translate.stream_corpus import raw_lines


def test_a_line_of_32_mb_is_found_in_linear_time():
    data = b"x" * (32 << 20) + b"\r\nlast"
    start = time.process_time()
    lengths = [len(line) for line in raw_lines(io.BytesIO(data))]
    assert lengths == [(32 << 20) + 2, 4]
    assert time.process_time() - start < 2.0  # CPU seconds: about 0.1 now, 9 before


def test_lines_end_where_a_file_read_whole_ends_them_whatever_the_chunks(monkeypatch):
    rng = random.Random(22)
    for _ in range(2000):
        text = "".join(rng.choice(["a", "b", "\r", "\n", "\r\n"]) for _ in range(rng.randint(0, 14)))
        for chunk in (1, 2, 3, 5):
            monkeypatch.setattr(stream_corpus, "_CHUNK", chunk)
            lines = list(raw_lines(io.BytesIO(text.encode())))
            assert b"".join(lines) == text.encode()
            assert [ln.decode().rstrip("\r\n") for ln in lines] == file_lines(text), (text, chunk)
