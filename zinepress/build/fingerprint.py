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

TOOLS = ("pypandoc-binary", "weasyprint", "pydyf", "pillow", "pikepdf", "jinja2", "fonttools",
         "pyphen", "babel")
# Modules that never shape an output: a change to them rebuilds nothing.
NOT_RENDERING = {"dev/bench.py", "dev/longbook.py", "dev/preview.py", "dev/a11y.py", "dev/look.py",
                 "check/lint.py", "check/run.py",
                 "source/fidelity.py", "cli.py", "dev/browsercheck.py", "dev/catalogbench.py"}
# Import and catalogue code reads or publishes projects but shapes none of their outputs.
NOT_RENDERING_FOLDERS = ("library/",)


@functools.lru_cache(maxsize=1)
def tool_fingerprint() -> dict[str, str]:
    """Return the versions that shape the outputs, without importing the tools."""
    versions = {}
    for name in TOOLS:
        try:
            versions[f"tool:{name}"] = pkg_metadata.version(name)
        except pkg_metadata.PackageNotFoundError:
            versions[f"tool:{name}"] = "absent"
    versions.update(layout_libraries())
    return versions


# The system libraries WeasyPrint lays text out with: line breaks and glyph positions
# change with their versions, so they are recorded (and rebuild) like the Python tools.
# (Fonts are subset by the pinned fontTools, never by libharfbuzz-subset: see formats/pdf.py.)
LIBRARIES = {
    "pango": (("libpango-1.0.so.0", "libpango-1.0.0.dylib", "pango-1.0"),
              "pango_version_string", "string"),
    "harfbuzz": (("libharfbuzz.so.0", "libharfbuzz.0.dylib", "harfbuzz"),
                 "hb_version_string", "string"),
    "fontconfig": (("libfontconfig.so.1", "libfontconfig.1.dylib", "fontconfig"),
                   "FcGetVersion", "int"),
}


def layout_libraries() -> dict[str, str]:
    """Return ``{"lib:pango": "1.50.12", …}`` read from the libraries themselves."""
    found = {}
    for name, (files, function, kind) in LIBRARIES.items():
        found[f"lib:{name}"] = _library_version(files, function, kind)
    return found


def _library_version(files: tuple[str, ...], function: str, kind: str) -> str:
    for file in files:
        try:
            library = ctypes.CDLL(file if "." in file else ctypes.util.find_library(file) or file)
        except OSError:
            continue
        call = getattr(library, function)
        if kind == "string":
            call.restype = ctypes.c_char_p
            return call().decode()
        number = int(call())  # fontconfig: 21401 means 2.14.1
        return f"{number // 10000}.{number // 100 % 100}.{number % 100}"
    return "absent"


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> dict[str, str]:
    """Return the hash of every module of zinepress that shapes outputs (a change rebuilds)."""
    package = Path(__file__).parents[1]
    modules = {p.relative_to(package).as_posix(): p for p in sorted(package.rglob("*.py"))}
    return {f"zinepress:{rel}": sha256_file(path) for rel, path in modules.items()
            if rel not in NOT_RENDERING and not rel.startswith(NOT_RENDERING_FOLDERS)}
