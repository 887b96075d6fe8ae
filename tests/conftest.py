"""Shared test setup: deterministic, quiet, CPU."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
