"""The error-code table: every code means one thing, is raised, documented and tested.

:data:`zinepress.errors.CODES` is the one list. These tests read the package, the
README and the other test files against it, and trigger the codes no other test
file reaches.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, copy_project
from zinepress import cli
from zinepress.errors import CODES, ZineError

CODE = re.compile(r"""["'`]([ZL]\d{3})["'`]""")


def codes_in(paths) -> set[str]:
    return {code for path in paths for code in CODE.findall(path.read_text(encoding="utf-8"))}


def test_every_code_raised_is_in_the_table():
    raised = codes_in((ROOT / "zinepress").rglob("*.py")) - {"Z103"}  # errors.py's doctest
    assert raised <= set(CODES), sorted(raised - set(CODES))


def test_every_code_in_the_table_is_raised_somewhere():
    sources = [p for p in (ROOT / "zinepress").rglob("*.py") if p.name != "errors.py"]
    assert set(CODES) - codes_in(sources) == set()


def test_every_code_is_tested():
    """Each code is named by a test that expects it (this file's case list included)."""
    named = {code for path in (ROOT / "tests").glob("test_*.py")
             for code in re.findall(r"\b([ZL]\d{3})\b", path.read_text(encoding="utf-8"))}
    untested = set(CODES) - named
    assert untested == set(), f"no test names {sorted(untested)}"


def test_readme_lists_every_code_once_with_its_meaning():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Error codes", 1)[1].split("\n#", 1)[0]
    listed = dict(re.findall(r"^\| `([ZL]\d{3})` \| (.+?) \|$", table, re.M))
    assert listed == CODES


def test_an_unknown_code_is_a_programming_error():
    with pytest.raises(ValueError):
        ZineError(None, None, "Z999", "no such code")


# -- codes that no other test file reaches -------------------------------------------

def run(root: Path, args: list[str], capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(["--root", str(root), "-q", *args])
    return code, capsys.readouterr().err


def test_z401_pandoc_failure_is_one_line():
    from zinepress.convert.pandoc import run_pandoc
    with pytest.raises(ZineError) as err:
        run_pandoc("text", "no-such-format", "markdown")
    assert err.value.code == "Z401" and "\n" not in str(err.value)


def test_z401_pandoc_failing_without_a_message_is_one_line(tmp_path, monkeypatch):
    """A pandoc that exits non-zero and says nothing (killed, broken install): no IndexError."""
    from zinepress.convert import pandoc
    silent = tmp_path / "pandoc"
    silent.write_text("#!/bin/sh\nexit 3\n")
    silent.chmod(0o755)
    monkeypatch.setattr(pandoc, "pandoc_path", lambda: str(silent))
    with pytest.raises(ZineError) as err:
        pandoc.run_pandoc("text", "json", "markdown")
    assert str(err.value) == "zinepress: Z401 pandoc failed: exit status 3, no message"


# A template the project lacks falls back to zinepress's default; one that exists
# nowhere (here: included by the project's own colophon) is named.
@pytest.mark.parametrize("code, template, change, shown", [
    ("Z403", "colophon.html.j2", '{% include "no-such.html.j2" %}', "no-such.html.j2"),
    ("Z404", "colophon.html.j2", "{{ no_such_value }}", "colophon.html.j2"),
])
def test_template_missing_or_using_an_unknown_value(tmp_path, capsys, code, template, change,
                                                    shown):
    root = copy_project(tmp_path / "p", ROOT / "tests" / "fixtures" / "tiny" / "source")
    path = root / "templates" / template
    path.write_text(path.read_text(encoding="utf-8") + change + "\n", encoding="utf-8")
    status, err = run(root, ["build", "colophon"], capsys)
    assert status == 2 and err.strip().startswith(f"templates/{shown}")
    assert f" {code} " in err and len(err.strip().splitlines()) == 1
    assert not (root / "build" / "a-tiny-zine-colophon.pdf").exists()


def test_z101_a_file_that_cannot_be_read(tmp_path, capsys):
    root = copy_project(tmp_path / "p", ROOT / "tests" / "fixtures" / "tiny" / "source")
    (root / "templates" / "unreadable.html.j2").mkdir()  # a folder where a file should be
    status, err = run(root, ["build", "pdf"], capsys)
    assert status == 2 and "templates/unreadable.html.j2: Z101 cannot read file" in err


@pytest.fixture
def essay_copy(tmp_path) -> Path:
    root = tmp_path / "essay"
    shutil.copytree(ROOT / "source", root / "source")
    return root


def test_z602_fidelity_cannot_read_metadata(essay_copy):
    from zinepress.source.fidelity import check_fidelity
    (essay_copy / "source" / "metadata.yaml").write_text("title: [unclosed\n")
    with pytest.raises(ZineError) as err:
        check_fidelity(essay_copy)
    assert err.value.code == "Z602"


def test_z604_z605_fidelity_tables_must_match_the_original(essay_copy, monkeypatch):
    from zinepress.source import fidelity
    monkeypatch.setattr(fidelity, "FURNITURE_LINES", (*fidelity.FURNITURE_LINES, "No such line"))
    with pytest.raises(ZineError) as err:
        fidelity.check_fidelity(essay_copy)
    assert err.value.code == "Z604"
    monkeypatch.undo()
    monkeypatch.setattr(fidelity, "SPLIT_WORDS", (*fidelity.SPLIT_WORDS, ("no-", "such")))
    with pytest.raises(ZineError) as err:
        fidelity.check_fidelity(essay_copy)
    assert err.value.code == "Z605"


def test_z612_a_correction_that_matches_nothing_stops_check(essay_copy, capsys):
    meta = essay_copy / "source" / "metadata.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace(
        'from: "References:"', 'from: "Referencez:"'), encoding="utf-8")
    shutil.copytree(ROOT / "templates", essay_copy / "templates")
    status, err = run(essay_copy, ["check"], capsys)
    assert status == 2 and " Z612 " in err
