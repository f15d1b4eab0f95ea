"""The chapters listed in source/metadata.yaml exist, carry their title, and follow the seed's Contents."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "source/original/the-anarchist-library-create-two-three-many-parties-of-autonomy.txt"
CONTENTS_LINE = re.compile(r"^<i>(?P<title>.+)</i>\t(?P<page>\d+)$")


def chapters() -> list[dict]:
    data = yaml.safe_load((ROOT / "source/metadata.yaml").read_text(encoding="utf-8"))
    return data["chapters"]


def seed_contents() -> list[str]:
    """Return the titles of the seed's Contents block, without <i></i> and page numbers."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    start = lines.index("Contents") + 1
    titles = []
    for line in lines[start:]:
        if not line.strip():
            if titles:
                break
            continue
        match = CONTENTS_LINE.match(line)
        if not match:
            break
        titles.append(match["title"])
    return titles


def level_one_headings(text: str) -> list[str]:
    return [line[2:] for line in text.split("\n") if re.match(r"^# ", line)]


def test_seed_contents_parses():
    assert len(seed_contents()) == 8
    assert seed_contents()[0] == "Preface"


def test_every_listed_file_exists_with_one_heading_equal_to_its_title():
    for chapter in chapters():
        path = ROOT / "source" / chapter["file"]
        assert path.is_file(), f"{chapter['file']} is listed in metadata.yaml but missing"
        text = path.read_text(encoding="utf-8")
        assert text.startswith(f"# {chapter['title']}\n"), f"{chapter['file']}: first line"
        assert level_one_headings(text) == [chapter["title"]], f"{chapter['file']}: level-1 headings"


def test_order_follows_the_seed_contents_then_references():
    listed = chapters()
    assert [c["title"] for c in listed[:-1]] == seed_contents()
    assert (listed[-1]["file"], listed[-1]["title"]) == ("09-references.md", "References")
    assert listed[-1].get("role") == "references"


def test_file_names_are_numbered_in_order():
    names = [c["file"] for c in chapters()]
    assert names == sorted(names)
    assert all(re.match(rf"^{i:02d}-[a-z0-9-]+\.md$", n) for i, n in enumerate(names, start=1))
