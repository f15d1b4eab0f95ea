"""Pinned versions: `make` installs exactly what constraints.txt lists, for every dependency."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)$")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins() -> dict[str, str]:
    lines = (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    entries = [line for line in lines if line.strip() and not line.startswith("#")]
    bad = [line for line in entries if not PIN.match(line)]
    assert bad == [], f"not an exact pin: {bad}"
    return {canonical(PIN.match(line)[1]): PIN.match(line)[2] for line in entries}


def test_every_declared_dependency_has_an_exact_pin():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["test"]
    names = {canonical(re.match(r"[A-Za-z0-9._-]+", spec)[0]) for spec in declared}
    assert names - set(pins()) == set(), (
        "a new dependency needs its exact version in constraints.txt: `make upgrade`, or "
        "add the line `pip freeze` prints for it and its own dependencies")


def test_the_installed_packages_are_the_pinned_versions():
    """What `make` installed is what constraints.txt says (a stale .venv fails here)."""
    wrong = {name: (version, metadata.version(name)) for name, version in pins().items()
             if metadata.version(name) != version}
    assert wrong == {}, "pinned vs installed: run make"


def test_make_installs_from_the_constraints_and_upgrade_refreshes_them():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-c constraints.txt -e '.[test]'" in makefile
    assert re.search(r"^\$\(STAMP\): pyproject.toml constraints.txt$", makefile, re.M)
    assert re.search(r"^upgrade:$", makefile, re.M)
