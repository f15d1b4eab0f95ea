"""``python -m zinepress``: the same command line as ``zinepress`` and ``python build.py``."""

import sys

from zinepress.cli import main

if __name__ == "__main__":
    sys.exit(main())
