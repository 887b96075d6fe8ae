"""Shared plumbing for every layer of rnnkit: errors, atomic files, progress, devices, seeding.

This package sits at the bottom of the import graph: it imports nothing else from rnnkit and never
imports the training stack (accelerate), so prediction commands stay fast to start.
"""

from rnnkit.utils.errors import RnnkitError

__all__ = ["RnnkitError"]
