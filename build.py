#!/usr/bin/env python3
"""Thin entry point: `python build.py build all` is `zinepress build all`."""

import sys

from zinepress.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
