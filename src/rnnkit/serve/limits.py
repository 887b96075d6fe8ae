"""Every bound the server enforces, in one place (docs/serve.md lists them).

Each request is bounded before it reaches a model: the body size, the text length, the beam width,
the series length. The inference pool is bounded in how many requests run at once (``WORKERS``) and
how many may wait (``QUEUE``); a request that waits or runs longer than ``REQUEST_SECONDS`` gets a
504 (its computation finishes in the background, bounded by the input limits, and is dropped).
"""

from __future__ import annotations

MAX_BODY_BYTES = 4 * 1024 * 1024  # a JSON body, an image in base64 or a CSV included
# from connecting (or from the first byte of the next request on a kept-alive connection) until the
# request's headers are whole; then the connection is closed (slowloris: rnnkit.serve.protocol)
HEAD_SECONDS = 10.0
# between two pieces of a body: a client that stops sending (a Content-Length that lies) gets a 408;
# a slow but live upload, however long in all, is not cut off
BODY_SECONDS = 30.0
MAX_IMAGE_BYTES = 3 * 1024 * 1024  # the decoded image file
MAX_IMAGE_SIDE = 4096  # pixels; a larger image is refused before it is decoded (no bombs)
IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP")  # Pillow's names; no EPS (Ghostscript), no exotica
MAX_TEXT_CHARS = 300  # translate and the cells' sentence
MAX_NUMBERS = 200  # the cells' number sequence
MAX_BEAM = 8
MAX_N_BEST = 8
MAX_CSV_ROWS = 50_000
MAX_CHART_POINTS = 150  # forecast test points sent to the fan chart (the last ones: a readable fan)
CELLS_HIDDEN = 16  # units of the three untrained demonstration layers
GRADIENT_LENGTHS = (5, 200)  # the gradient-flow view's sequence length range
SIMILAR_CORPUS = 400  # sentences searched for similar spans
SIMILAR_TOP = 10

WORKERS = 2  # inference requests computed at once (one per core of the 2-core target machine)
QUEUE = 32  # requests that may wait for a worker; more get a 503
REQUEST_SECONDS = 30.0  # waiting plus computing; then a 504
