"""Build manifest: what each output was made from, and whether it must be made again.

``build/manifest.json`` maps every output to the SHA-256 of the output itself and of
each input it was made from (source files, templates, CSS, fonts, zinepress's own
code, the versions of pandoc and WeasyPrint, the ``SOURCE_DATE_EPOCH``). The decision
is a pure function of those maps, :func:`decide`, so it is tested without rendering.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from zinepress.build.output import write_atomic

MANIFEST_FILE = "manifest.json"


@dataclass(frozen=True)
class Decision:
    """Whether an output is rebuilt, and the reason shown to the editor."""

    rebuild: bool
    reason: str


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hash_inputs(root: Path, paths: list[str], cache: dict[str, str] | None = None
                ) -> dict[str, str]:
    """Return ``{project-relative path: sha256}`` for existing input files.

    ``cache`` (path -> hash) saves hashing a font or template once per output.
    """
    cache = {} if cache is None else cache
    hashes = {}
    for rel in sorted(set(paths)):
        path = Path(root) / rel
        if rel not in cache and path.is_file():
            cache[rel] = sha256_file(path)
        if rel in cache:
            hashes[rel] = cache[rel]
    return hashes


def hash_templates(root: Path, patterns: list[str], cache: dict[str, str] | None = None
                   ) -> dict[str, str]:
    """Return ``{"templates/NAME": sha256}`` of the template files a project really uses.

    ``patterns`` are project paths such as ``templates/fonts/*``; each name resolves to
    the project's own file if it has one, else to zinepress's default
    (:mod:`zinepress.render.layers`), so adding or removing an override rebuilds.
    """
    from zinepress.render.layers import TEMPLATES_DIR, template_file, template_names
    cache = {} if cache is None else cache
    hashes = {}
    for pattern in patterns:
        for name in template_names(root, pattern.removeprefix(TEMPLATES_DIR + "/")):
            path = template_file(root, name)
            key = f"file:{path}"
            if key not in cache:
                cache[key] = sha256_file(path)
            hashes[f"{TEMPLATES_DIR}/{name}"] = cache[key]
    return hashes


def decide(recorded: dict | None, inputs: dict[str, str], output_sha: str | None) -> Decision:
    """Return whether to rebuild an output.

    ``recorded`` is the manifest entry of its last build (or None), ``inputs`` the
    current input hashes, ``output_sha`` the hash of the output on disk (None if absent).

    >>> decide(None, {"a": "1"}, None)
    Decision(rebuild=True, reason='never built')
    >>> entry = {"inputs": {"a": "1"}, "output": "9"}
    >>> decide(entry, {"a": "1"}, "9")
    Decision(rebuild=False, reason='up to date')
    >>> decide(entry, {"a": "2"}, "9")
    Decision(rebuild=True, reason='changed: a')
    >>> decide(entry, {"a": "1"}, "8")
    Decision(rebuild=True, reason='output was modified or replaced')
    """
    if recorded is None:
        return Decision(True, "never built")
    if output_sha is None:
        return Decision(True, "output missing")
    old = recorded.get("inputs", {})
    changed = sorted(k for k in inputs.keys() | old.keys() if inputs.get(k) != old.get(k))
    if changed:
        shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
        return Decision(True, f"changed: {shown}")
    if recorded.get("output") != output_sha:
        return Decision(True, "output was modified or replaced")
    return Decision(False, "up to date")


def load(build_dir: Path) -> dict:
    """Return the manifest, or an empty one if it is missing or unreadable."""
    try:
        data = json.loads((Path(build_dir) / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(build_dir: Path, manifest: dict) -> None:
    text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    write_atomic(Path(build_dir) / MANIFEST_FILE, text.encode("utf-8"))
