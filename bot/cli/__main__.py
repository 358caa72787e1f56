"""`python -m bot.cli …`: the `stretch` command, run as a module."""

import sys

from bot.cli.main import main

sys.exit(main())
