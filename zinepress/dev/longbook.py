"""A long book for benchmarks: a seed in, a project folder of ~150,000 words out.

The text is nonsense made of common words, the same for the same seed on every
machine: chapters of paragraphs with footnotes and block quotations, so the layout
does the work a real book asks of it (hyphenation, notes at the page foot, quotes).

>>> words = sum(len(text.split()) for _, text in chapters(words=3000, count=3, seed=1))
>>> 2900 < words < 3400
True
"""

from __future__ import annotations

import random
from pathlib import Path

VOCABULARY = (
    "the of and to in a is that for it as was with be by on not he this are or his from "
    "at which but have an they you were their one all we can her has there been if more "
    "when will would who so no organization revolutionary movement assembly neighbourhood "
    "collective struggle autonomy communist strategy experience territory workers council "
    "comrades history question practice independent federation network tendency militant "
    "periphery international reconstruction consciousness development contradiction "
    "counterpower insurrection bureaucracy representation participation mobilization "
    "self-management cooperative rebellion solidarity initiative reproduction everyday"
).split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(VOCABULARY) for _ in range(rng.randint(8, 26))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + rng.choice(".....;?")[:1]


def paragraph(rng: random.Random, words: int) -> str:
    out: list[str] = []
    while sum(len(s.split()) for s in out) < words:
        out.append(sentence(rng))
    return " ".join(out).replace(";", ".")


def chapters(words: int = 150_000, count: int = 30, seed: int = 1):
    """Yield ``(title, markdown)`` for each chapter of the long book."""
    rng = random.Random(seed)
    per_chapter = words // count
    note = 0
    for number in range(1, count + 1):
        title = f"Chapter {number}: {' '.join(rng.choice(VOCABULARY) for _ in range(3)).title()}"
        blocks, notes, written = [f"# {title}"], [], 0
        while written < per_chapter:
            text = paragraph(rng, rng.randint(60, 180))
            if rng.random() < 0.25:
                note += 1
                text += f"[^n{note}]"
                notes.append(f"[^n{note}]: {paragraph(rng, rng.randint(12, 40))}")
                written += len(notes[-1].split()) - 1
            if rng.random() < 0.06:
                blocks.append("> " + paragraph(rng, rng.randint(30, 70))
                              + "\n>\n> – Author " + str(1900 + rng.randint(0, 120)))
                written += len(blocks[-1].split()) - 4
            blocks.append(text)
            written += len(text.split())
        yield title, "\n\n".join(blocks + notes) + "\n"


METADATA = """title: A Long Book for Benchmarks
author: The Benchmark Collective
date: "2026"
lang: en
rights: "Anti-Copyright. Copy freely."
identifier: "urn:uuid:5b0f6d2e-8c1a-4f3e-9d47-2a6c1e8b7f01"
edition: {{number: 1, date: 2026-11-25}}
chapters:
{chapters}"""


def write_project(dest: Path, templates: Path, words: int = 150_000, count: int = 30,
                  seed: int = 1) -> list[Path]:
    """Write the long book into ``dest`` (with a copy of ``templates``); return the chapters."""
    import shutil
    source = Path(dest) / "source"
    source.mkdir(parents=True)
    shutil.copytree(templates, Path(dest) / "templates")
    files, entries = [], []
    for number, (title, text) in enumerate(chapters(words, count, seed), start=1):
        path = source / f"{number:02d}-chapter.md"
        path.write_text(text, encoding="utf-8")
        files.append(path)
        entries.append(f'  - {{file: {path.name}, title: "{title}"}}')
    (source / "metadata.yaml").write_text(METADATA.format(chapters="\n".join(entries)) + "\n",
                                          encoding="utf-8")
    return files
