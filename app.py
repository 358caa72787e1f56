"""Run Stretch: `python app.py` is the same as `stretch serve` (flags such as --http pass through)."""

import sys

from bot.cli.main import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
