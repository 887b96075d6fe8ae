"""The ``rnnkit`` console script: the command line, with Ctrl-C during start-up answered in one line.

The script's first act is importing the command line (click, rnnkit's options), which takes a while on
a loaded machine; a Ctrl-C then would print a traceback from the middle of an import. This module
imports nothing until :func:`main` runs, so it can catch that Ctrl-C too.
"""

import sys


def main() -> int:
    """Import and run :func:`rnnkit.cli.main`; Ctrl-C before it starts exits 130 with one line."""
    try:
        from rnnkit.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("rnnkit: interrupted\n")
        return 130
    return run()


if __name__ == "__main__":
    sys.exit(main())
