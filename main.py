"""Breach Protocol: `python main.py` opens the game; `--help` lists commands."""

import sys

from game.cli import main

if __name__ == "__main__":
    sys.exit(main())
