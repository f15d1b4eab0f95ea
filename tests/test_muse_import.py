"""`zinepress import`: three Muse texts of our own making, every construct the issue lists.

Each fixture is imported once (conftest ``imported``). The tests read the real files the
import wrote: the loss report names exactly what was not carried over, with its line;
the Markdown holds the rest; the project passes every check, the fidelity check
included; and plain pandoc, for comparison, loses what the import keeps.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import MUSE_FIXTURES, ROOT
from zinepress import cli
from zinepress.check.lint import lint_book
from zinepress.check.rules import check_book
from zinepress.check.run import fidelity_errors
from zinepress.convert.pandoc import run_pandoc
from zinepress.library.musewords import check_muse_fidelity
from zinepress.source.load import load_book

KITCHEN, LETTER, STAIRWELL = ("the-kitchen-on-mill-street", "a-letter-from-the-print-shop",
                              "notes-on-the-stairwell-library")

EXPECTED_LOSSES = {
    KITCHEN: [
        (14, "#cover kitchen-cover.jpg", "zinepress draws its own cover"),
        (44, "One pot ||| 5.30", "table footer row"),
        (60, "[3]", "refers to no note body; kept as text"),
        (62, "[4] note body", "no call in the text; kept as a paragraph"),
    ],
    LETTER: [
        (7, "#date Spring 2024", "only the year 2024"),
        (29, "{1}", "secondary note called inside note [1]"),
    ],
    STAIRWELL: [
        (7, "#DELETED", "no field for it"),
        (8, "#hyphenation sta-ir-well", "no field for it"),
        (15, "; comment", "Text::Amuse does not publish comments either"),
        (26, "* * * * *", "page break dropped"),
        (30, "<comment>", "Text::Amuse does not publish comments either"),
    ],
}


def report_lines(root: Path, name: str | None = None) -> list[str]:
    original = root / "source" / "original"
    return (original / f"{name or root.name}.losses.txt").read_text(encoding="utf-8").splitlines()


def chapter_text(root: Path) -> str:
    book = load_book(root)
    return "\n".join(ch.text for ch in book.chapters)


@pytest.mark.parametrize("name", sorted(EXPECTED_LOSSES))
def test_loss_report_names_exactly_what_was_lost(imported, name):
    lines = report_lines(imported[name])
    assert len(lines) == len(EXPECTED_LOSSES[name]), "\n".join(lines)
    for line, (number, construct, outcome) in zip(lines, EXPECTED_LOSSES[name]):
        assert line.startswith(f"source/original/{name}.muse:{number}: {construct}: "), line
        assert outcome in line


@pytest.mark.parametrize("name", sorted(EXPECTED_LOSSES))
def test_imported_project_passes_every_check(imported, name):
    book = load_book(imported[name])
    assert check_book(book) == []
    assert fidelity_errors(book.root) == []
    assert lint_book(book) == []
    report = check_muse_fidelity(book.root)
    assert report.ok and report.seed_tokens == report.source_tokens > 100


@pytest.mark.parametrize("name", sorted(EXPECTED_LOSSES))
def test_original_is_kept_byte_for_byte(imported, name):
    muse = MUSE_FIXTURES / f"{name}.muse"
    assert (imported[name] / "source" / "original" / muse.name).read_bytes() == muse.read_bytes()


def test_metadata_is_mapped_from_the_header(imported):
    meta = load_book(imported[KITCHEN]).meta
    assert meta["title"] == "The Kitchen on Mill Street"
    assert meta["subtitle"] == "Notes from Three Years of a Free Food Project"
    assert meta["author"] == "Mill Street Kitchen Collective"
    assert meta["subject"] == ["mutual aid", "food", "organizing"]
    assert meta["sort-title"] == "Kitchen on Mill Street, The"
    assert meta["date"] == "2021" and meta["lang"] == "en"
    assert str(meta["edition"]["date"]) == "2022-03-14", "from #pubdate"
    assert meta["source"].endswith("example.org/mill-street <https://example.org/mill-street>")
    assert meta["notes"].startswith("A first version circulated")
    assert meta["description"].startswith("How a street kitchen fed its neighbours")
    assert "cover" not in str(meta) and "LISTtitle" not in meta
    letter = load_book(imported[LETTER]).meta
    assert letter["sort-authors"] == ["Rosa Imbert", "Jon Quill"]
    assert letter["subject"] == ["printing", "zines", "self-publishing"]
    assert letter["date"] == "2024"


def test_chapters_split_at_the_level_that_holds_them(imported):
    titles = {name: [ch.title for ch in load_book(root).chapters] for name, root in imported.items()}
    assert titles[KITCHEN] == ["How It Started, in a Borrowed Van", "What We Cooked",
                               "Keeping Going"]                          # ** chapters
    assert titles[LETTER] == ["To Whoever Finds the Keys", "How to Run the Press"]   # * chapters
    # *** chapters, and the opening text gets the book's title, recorded as a change
    assert titles[STAIRWELL] == ["Notes on the Stairwell Library", "Rules", "The Catalogue"]
    corrections = load_book(imported[STAIRWELL]).meta["corrections"]
    assert [c["to"] for c in corrections] == ["Notes on the Stairwell Library"]


def test_constructs_pandoc_loses_are_carried_over(imported):
    kitchen, letter = chapter_text(imported[KITCHEN]), chapter_text(imported[LETTER])
    assert '# How It Started, in a Borrowed Van {short-title="How It Started"}' in kitchen
    assert "::: orphan-note\n\\[4\\] This note was cut from the text" in kitchen
    assert "rota, see \\[3\\] in the old" in kitchen
    assert "::: right\nBack room, Thursday night\n:::" in letter        # <right>
    assert "::: center\nPrint what you like; print it cheap.\n:::" in letter   # indented 6
    assert "::: center\nLong live the photocopier.\n:::" in letter       # <center>
    assert "::: right\nRosa & Jon\n:::" in letter                         # indented 20+
    assert '[la tipografia del popolo]{lang="it"}' in letter             # <[it]> inline
    assert '::: {lang="fr"}\nNettoyez les rouleaux' in letter            # <[fr]> block


def test_notes_primary_secondary_and_nested(imported):
    kitchen, letter = chapter_text(imported[KITCHEN]), chapter_text(imported[LETTER])
    assert "cold Tuesday.[^1] Nobody" in kitchen
    assert "become a charity.[^2]" in kitchen                            # {1} from the text
    assert "[^2]: Editors' note: the word “charity”" in kitchen
    assert "sharper than it looks.[^1][^2]" in letter                     # {1} inside [1]
    assert "[^1]: Jon lost the end of a fingernail" in letter
    assert "\n    He also wants you to know it was worth it." in letter   # two paragraphs
    assert "[^2]: Rosa says it was the whole nail." in letter


def test_verse_quote_example_and_tables(imported):
    kitchen, letter = chapter_text(imported[KITCHEN]), chapter_text(imported[LETTER])
    stairwell = chapter_text(imported[STAIRWELL])
    assert "| Onions in the morning,\n| \u00a0\u00a0lentils by the noon," in kitchen
    assert "> Bring a bowl if you have one." in kitchen
    assert "    warmup --drum 3\n    feed   --paper a4 --count 500" in letter
    assert "One pot" in kitchen.split("Spices")[1]          # the footer, as the last row
    assert ": The shelves, top to bottom" in stairwell      # caption
    assert "| Take one, leave one,\n| or just take one." in stairwell


def test_plain_pandoc_loses_what_the_import_keeps():
    """The reasons for the import's own steps, on the pandoc that make installs."""
    text = (MUSE_FIXTURES / f"{KITCHEN}.muse").read_text(encoding="utf-8")
    naive = run_pandoc(text, "markdown", "muse", ["--wrap=none", "-s"])
    assert "left behind" not in naive                       # orphan note body dropped
    assert "cover-image: kitchen-cover.jpg" in naive        # would stop the EPUB
    assert "SORTtopics:" in naive                           # header kept verbatim
    letter = run_pandoc((MUSE_FIXTURES / f"{LETTER}.muse").read_text(encoding="utf-8"),
                        "markdown", "muse", ["--wrap=none"])
    assert "\\<\\[it\\]\\>" in letter and "::: center" not in letter


def test_fidelity_check_catches_a_lost_note_body(imported, tmp_path):
    import shutil
    root = tmp_path / "k"
    shutil.copytree(imported[KITCHEN], root)
    chapter = root / "source" / "03-keeping-going.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.split("::: orphan-note")[0], encoding="utf-8")
    report = check_muse_fidelity(root)
    missing = {f.word: f for f in report.missing}
    assert {"[4]", "behind."} <= set(missing) and not report.extra
    assert missing["behind."].seed_contexts[0].startswith(
        f"source/original/{KITCHEN}.muse:62: ")


def test_fidelity_check_catches_a_moved_call_and_a_lost_italic(imported, tmp_path):
    import shutil
    root = tmp_path / "l"
    shutil.copytree(imported[LETTER], root)
    chapter = root / "source" / "01-to-whoever-finds-the-keys.md"
    text = chapter.read_text(encoding="utf-8")
    text = text.replace("looks.[^1][^2]", "looks.[^1]").replace("name stuck.", "name stuck.[^2]")
    chapter.write_text(text.replace("Dear friend,", "Dear *friend*,"), encoding="utf-8")
    report = check_muse_fidelity(root)
    assert {f.word for f in report.missing} == {"looks.⁺⁺", "friend,", "stuck."}
    assert {f.word for f in report.extra} == {"looks.⁺", "*friend*,", "stuck.⁺"}


def run_import(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "import", *args],
                          capture_output=True, text=True, timeout=120)


def test_import_command_prints_the_loss_report(tmp_path):
    proc = run_import(str(MUSE_FIXTURES / f"{STAIRWELL}.muse"), str(tmp_path / "p"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == report_lines(tmp_path / "p", STAIRWELL)
    assert "3 chapters, 5 constructs not carried over" in proc.stderr
    meta = yaml.safe_load((tmp_path / "p" / "source" / "metadata.yaml").read_text())
    assert meta["chapters"][0] == {"file": "01-notes-on-the-stairwell-library.md",
                                   "title": "Notes on the Stairwell Library"}


@pytest.mark.parametrize("case, code", [
    ("not-utf8", "Z702"), ("no-title", "Z701"), ("dest-not-empty", "Z130"), ("missing", "Z702"),
])
def test_bad_import_is_one_line_exit_2_and_writes_nothing(tmp_path, capsys, case, code):
    muse, dest = tmp_path / "t.muse", tmp_path / "out"
    muse.write_text("#title T\n\nText.\n", encoding="utf-8")
    if case == "not-utf8":
        muse.write_bytes(b"#title T\n\nCaf\xe9\n")
    elif case == "no-title":
        muse.write_text("#author A\n\nText.\n", encoding="utf-8")
    elif case == "dest-not-empty":
        dest.mkdir()
        (dest / "keep.txt").write_text("mine")
    elif case == "missing":
        muse = tmp_path / "nope.muse"
    before = sorted(p.name for p in tmp_path.rglob("*"))
    capsys.readouterr()
    assert cli.main(["-q", "import", str(muse), str(dest)]) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and f": {code} " in lines[0] and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
