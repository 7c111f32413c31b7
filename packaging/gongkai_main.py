"""Entry point of the bundled program: the ``gongkai`` command (no subcommand starts the application)."""

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
