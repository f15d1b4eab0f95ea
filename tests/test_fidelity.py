"""Tests for zinepress/fidelity.py: the real source/ is faithful to the seed, and the check can fail."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from zinepress.errors import ZineError
from zinepress.source.fidelity import LACUNA, SPLIT_WORDS, check_fidelity

ROOT = Path(__file__).resolve().parent.parent


def test_source_holds_every_seed_word_and_nothing_else():
    report = check_fidelity(ROOT)
    assert report.ok, "\n" + report.format()
    assert (report.missing, report.extra, report.problems) == ([], [], [])
    assert report.seed_tokens == report.source_tokens > 13000


@pytest.fixture
def seed_project(tmp_path: Path) -> Path:
    """A throwaway copy of the project's source/ (seed copy included)."""
    shutil.copytree(ROOT / "source", tmp_path / "source")
    return tmp_path


def edit(seed_project: Path, name: str, old: str, new: str) -> None:
    path = seed_project / "source" / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"test setup: {old!r} must occur once in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def finding(findings, word):
    matches = [f for f in findings if f.word == word]
    assert matches, f"no finding for {word!r} in {[f.word for f in findings]}"
    return matches[0]


def test_copy_is_faithful_before_editing(seed_project):
    assert check_fidelity(seed_project).ok


def test_a_chapter_saved_with_a_bom_and_crlf_is_read_as_load_reads_it(seed_project, capsys):
    """Load accepts a BOM and CRLF line ends; the fidelity step must read the file the same way."""
    from zinepress import cli
    shutil.copytree(ROOT / "templates", seed_project / "templates")
    for name in ("02-create-two-three-many-parties-of-autonomy.md", "metadata.yaml"):
        path = seed_project / "source" / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert check_fidelity(seed_project).ok
    assert cli.main(["--root", str(seed_project), "-q", "check"]) == 0, capsys.readouterr().err


def test_dropped_sentence_is_missing_with_context_in_both_files(seed_project):
    sentence = ("These councils would in turn create commissions and action committees for "
                "mutual projects in areas such as agitprop and political education. ")
    edit(seed_project, "04-articulation-and-fusion.md", sentence, "")
    report = check_fidelity(seed_project)
    assert not report.ok and not report.extra
    missing = {f.word: f.count for f in report.missing}
    assert missing["agitprop"] == 1 and missing["commissions"] == 1
    agitprop = finding(report.missing, "agitprop")
    assert agitprop.seed_contexts[0].startswith("seed:271: ")
    assert "»agitprop«" in agitprop.seed_contexts[0]
    # A common word points first at the seed occurrence whose neighbours source/ lost.
    would = finding(report.missing, "would")
    assert "councils »would« in" in would.seed_contexts[0]
    text = report.format()
    assert "MISSING 'agitprop' x1" in text and "seed:271:" in text


def test_added_word_is_extra_and_points_at_the_file_and_line(seed_project):
    edit(seed_project, "06-the-role-of-cadre.md", "Cadre *organize*, which", "Cadre *organize*, really, which")
    report = check_fidelity(seed_project)
    assert not report.missing
    extra = finding(report.extra, "really,")
    assert extra.count == 1
    assert extra.source_contexts[0].startswith("source/06-the-role-of-cadre.md:")
    assert "EXTRA 'really,' x1" in report.format()


def test_curly_quote_made_straight_is_caught(seed_project):
    edit(seed_project, "05-revolutionary-chile.md", "a “school for the people.”", 'a "school for the people."')
    report = check_fidelity(seed_project)
    assert {f.word for f in report.missing} == {"“school", "people.”"}
    assert {f.word for f in report.extra} == {'"school', 'people."'}


def test_changed_accent_and_dash_are_caught(seed_project):
    edit(seed_project, "05-revolutionary-chile.md", "beyond the city of Concepción", "beyond the city of Concepcion")
    edit(seed_project, "03-the-party-as-fractal.md", "complex system—a relational", "complex system-a relational")
    report = check_fidelity(seed_project)
    assert {f.word for f in report.missing} == {"Concepción", "system—a"}
    assert {f.word for f in report.extra} == {"Concepcion", "system-a"}


def test_unlisted_lacuna_marker_is_extra(seed_project):
    edit(seed_project, "03-the-party-as-fractal.md", "(Dyer-Witheford 2015: 203)", f"(Dyer-Witheford 2015: 203) {LACUNA}")
    report = check_fidelity(seed_project)
    assert finding(report.extra, LACUNA).count == 1
    assert any("03-the-party-as-fractal.md" in p and "lacuna" in p for p in report.problems)


def test_listed_lacuna_without_its_marker_is_missing(seed_project):
    edit(seed_project, "02-create-two-three-many-parties-of-autonomy.md", f"parties {LACUNA}", "parties")
    report = check_fidelity(seed_project)
    assert finding(report.missing, LACUNA).count == 1


def test_footnote_call_must_stand_where_the_superscript_stood(seed_project):
    edit(seed_project, "03-the-party-as-fractal.md", "(Bettelheim 1976: 73)[^1]", "(Bettelheim 1976: 73)")
    edit(seed_project, "03-the-party-as-fractal.md", "the Russian Revolution of 1917,", "the Russian Revolution of 1917,[^1]")
    report = check_fidelity(seed_project)
    assert {f.word for f in report.missing} == {"73)¹", "1917,"}
    assert {f.word for f in report.extra} == {"73)", "1917,¹"}


def test_split_word_must_be_joined(seed_project):
    edit(seed_project, "06-the-role-of-cadre.md", "Max Elbaum concluded", "Max Elbaum con- cluded")
    report = check_fidelity(seed_project)
    assert finding(report.missing, "concluded").count == 1
    assert {f.word for f in report.extra} == {"con-", "cluded"}


def test_real_hyphens_are_not_joined():
    joined = {head[:-1] + tail for head, tail in SPLIT_WORDS}
    assert "concluded" in joined and "Movement" in joined
    assert not any("-" in word for word in joined)
    assert all(head.endswith("-") and not tail.startswith("-") for head, tail in SPLIT_WORDS)


def test_attribution_dash_depends_on_its_listed_correction(seed_project):
    path = seed_project / "source" / "metadata.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["corrections"] = [c for c in data["corrections"] if c.get("from") != "— Elbaum 2006: 180"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    report = check_fidelity(seed_project)
    assert finding(report.missing, "—").count == 1
    assert finding(report.extra, "–").count == 1


def test_correction_whose_from_is_not_in_the_seed_is_a_problem(seed_project):
    path = seed_project / "source" / "metadata.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["corrections"].append({"date": "2026-11-25", "file": "01-preface.md", "kind": "emendation",
                                "change": "x", "reason": "y", "from": "no such words", "to": "none"})
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    report = check_fidelity(seed_project)
    assert not report.ok
    assert any("'no such words' is not in the seed" in p for p in report.problems)


def test_metadata_notes_count_as_seed_words(seed_project):
    path = seed_project / "source" / "metadata.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["notes"] = data["notes"].replace("Common Notions Press", "Common Notions")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    report = check_fidelity(seed_project)
    press = finding(report.missing, "Press")
    assert press.count == 1 and not report.extra


def test_unreadable_seed_raises_z601(seed_project):
    (seed_project / "source" / "original").joinpath(
        "the-anarchist-library-create-two-three-many-parties-of-autonomy.txt").unlink()
    with pytest.raises(ZineError) as err:
        check_fidelity(seed_project)
    assert err.value.code == "Z601"


def test_missing_chapter_file_raises_z603(seed_project):
    (seed_project / "source" / "07-anatomy-of-the-party.md").unlink()
    with pytest.raises(ZineError) as err:
        check_fidelity(seed_project)
    assert err.value.code == "Z603"
