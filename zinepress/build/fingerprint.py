"""What shapes the outputs besides the project: tool versions and zinepress's own code.

Both maps go into every output's manifest entry, so upgrading a tool or editing a
module that renders rebuilds what it could change. Nothing here imports the tools.
"""

from __future__ import annotations

import ctypes.util
import functools
from importlib import metadata as pkg_metadata
from pathlib import Path

from zinepress.build.manifest import sha256_file

TOOLS = ("pypandoc-binary", "weasyprint", "pikepdf", "jinja2", "fonttools", "pyphen", "babel")
# Modules that never shape an output: a change to them rebuilds nothing.
NOT_RENDERING = {"dev/bench.py", "dev/preview.py", "dev/a11y.py", "dev/look.py",
                 "check/lint.py", "check/run.py",
                 "source/fidelity.py", "cli.py"}


@functools.lru_cache(maxsize=1)
def tool_fingerprint() -> dict[str, str]:
    """Return the versions that shape the outputs, without importing the tools."""
    versions = {}
    for name in TOOLS:
        try:
            versions[f"tool:{name}"] = pkg_metadata.version(name)
        except pkg_metadata.PackageNotFoundError:
            versions[f"tool:{name}"] = "absent"
    # WeasyPrint subsets fonts with HarfBuzz when the library is there, else fontTools:
    # same glyphs, different bytes, so switching must rebuild.
    versions["tool:harfbuzz-subset"] = str(bool(ctypes.util.find_library("harfbuzz-subset")))
    return versions


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> dict[str, str]:
    """Return the hash of every module of zinepress that shapes outputs (a change rebuilds)."""
    package = Path(__file__).parents[1]
    modules = {p.relative_to(package).as_posix(): p for p in sorted(package.rglob("*.py"))}
    return {f"zinepress:{rel}": sha256_file(path) for rel, path in modules.items()
            if rel not in NOT_RENDERING}
