"""Session 22 review: the stderr filter of processes other than 0 (:class:`rnnkit.utils.dist.ErrorsOnly`)
judges a line by what a terminal shows of it, so an error written after a progress line a library
redraws with carriage returns (no newline between) still goes through, and such a line is not kept
whole while it is redrawn."""

from __future__ import annotations

import io

from rnnkit.utils.dist import ErrorsOnly


def test_an_error_after_a_redrawn_progress_line_goes_through():
    out = io.StringIO()
    err = ErrorsOnly(out, 1)
    err.write("\rshard 1:  10%|#")
    err.write("\rshard 1:  50%|#####")
    err.write("\rrnnkit: error: 한국어 파일을 읽을 수 없어요\n")
    assert out.getvalue() == "rnnkit: error: [process 1] 한국어 파일을 읽을 수 없어요\n"


def test_crlf_line_ends_are_kept_and_a_redrawn_line_is_held_once():
    out = io.StringIO()
    err = ErrorsOnly(out, 2)
    err.write("rnnkit: error: first\r")  # its \n comes with the next write
    err.write("\nrnnkit: warning: dropped\r\n")
    assert out.getvalue() == "rnnkit: error: [process 2] first\r\n"
    for i in range(10_000):
        err.write(f"\r{i:>6}/10000")
    assert len(err._pending) < 20  # only what a terminal still shows
    err.flush()
    assert out.getvalue() == "rnnkit: error: [process 2] first\r\n"
