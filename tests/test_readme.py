"""The README is the set-up contract and the field reference: keep it in step with the code."""

from __future__ import annotations

import re
from pathlib import Path

from zinepress.build.recipes import RECIPES
from zinepress.source.metadata import FIELDS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_setup_section_shows_exactly_the_two_commands():
    setup = README.split("## Set-up", 1)[1].split("##", 1)[0]
    block = re.search(r"```sh\n(.*?)```", setup, re.S).group(1)
    assert block.split("\n")[:-1] == ["make", "make test"]


def test_every_metadata_field_is_documented():
    table = README.split("## Metadata fields", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", table, re.M))
    assert documented == {field.name for field in FIELDS}


def test_every_output_is_listed():
    for target in RECIPES.values():
        assert "`" + target.pattern.replace("{slug}", "<slug>") + "`" in README, target.name
