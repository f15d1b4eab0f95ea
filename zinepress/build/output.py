"""Output stage: bytes in, files in ``build/`` out, each written atomically.

Every output is first written to a temporary file beside its final path and renamed
into place with :func:`os.replace`, so a build that fails or is killed leaves the
previous output untouched. Leftover temporary files of a killed build are removed at
the start of the next one. Nothing here ever writes under ``source/``.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

BUILD_DIR = "build"
TEMP_PREFIX = ".tmp-"


def build_dir(root: Path) -> Path:
    path = Path(root) / BUILD_DIR
    path.mkdir(exist_ok=True)
    return path


def remove_stale_temps(directory: Path) -> list[Path]:
    """Delete temporary files left by an interrupted build; return what was removed."""
    removed = []
    for path in Path(directory).glob(TEMP_PREFIX + "*"):
        if path.is_dir():
            for child in sorted(path.rglob("*"), reverse=True):
                child.unlink() if not child.is_dir() else child.rmdir()
            path.rmdir()
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


@contextlib.contextmanager
def atomic_path(final: Path):
    """Yield a temporary path beside ``final``; rename it to ``final`` on success."""
    final = Path(final)
    temp = final.with_name(f"{TEMP_PREFIX}{os.getpid()}-{final.name}")
    try:
        yield temp
        os.replace(temp, final)
    finally:
        temp.unlink(missing_ok=True)


def write_atomic(final: Path, data: bytes) -> None:
    """Write ``data`` to ``final`` atomically (temporary file, fsync, rename)."""
    with atomic_path(final) as temp:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
