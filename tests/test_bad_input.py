"""Bad input: each mistake gets one line ``path:line: Zxxx message``, exit 2, no traceback,
and leaves every file in ``build/`` byte-identical (issue 7, issue 4 "Bad input").

The tiny project is built once per module (``pdf`` and ``epub``); each case copies that
built project, breaks one thing, runs the real command line and compares ``build/``.
Most cases run ``zinepress.cli.main`` in-process (fast: they fail before rendering);
the ones marked ``subprocess`` run ``python build.py`` in a child process with a timeout,
so a traceback on stderr or a hang fails the test.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from conftest import FIXTURES, ROOT, copy_project
from pdfread import page_texts
from zinepress import cli
from zinepress.build.builder import Build

TARGETS = ["pdf", "epub"]
LINE = re.compile(r"^(?P<path>[^:\s]+?)(?::(?P<line>\d+))?: (?P<code>[ZL]\d{3}) (?P<message>.+)$")
SUBPROCESS_TIMEOUT_S = 60


# -- helpers -------------------------------------------------------------------------

def snapshot(build: Path) -> dict[str, tuple[str, int]]:
    """Return {file name: (sha256, mtime_ns)} for every file under ``build/``."""
    return {p.relative_to(build).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(),
                                              p.stat().st_mtime_ns)
            for p in sorted(build.rglob("*")) if p.is_file()}


def temp_files(build: Path) -> list[str]:
    return [p.name for p in build.rglob(".tmp-*")]


def run_cli(root: Path, args: list[str], capsys) -> tuple[int, str, str]:
    """Run ``zinepress.cli.main`` in this process; return (exit code, stdout, stderr)."""
    capsys.readouterr()
    code = cli.main(["--root", str(root), "-q", *args])
    out, err = capsys.readouterr()
    return code, out, err


def run_subprocess(root: Path, args: list[str]) -> tuple[int, str, str]:
    """Run ``python build.py`` in a child process; a hang fails the test via the timeout."""
    proc = subprocess.run([sys.executable, "build.py", "--root", str(root), "-q", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT_S)
    return proc.returncode, proc.stdout, proc.stderr


def line_of(path: Path, needle: str) -> int:
    """Return the 1-based number of the first line of ``path`` containing ``needle``."""
    for number, text in enumerate(path.read_bytes().decode("utf-8", "replace").split("\n"), 1):
        if needle in text:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


# -- mutations: each takes the project root ----------------------------------------

def edit(rel: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")
    return apply


def write(rel: str, content: str | bytes) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return apply


def remove(rel: str) -> Callable[[Path], None]:
    return lambda root: (root / rel).unlink()


def replace_bytes(rel: str, old: bytes, new: bytes) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / rel
        data = path.read_bytes()
        assert old in data
        path.write_bytes(data.replace(old, new, 1))
    return apply


def symlink_outside(rel: str, content: str) -> Callable[[Path], None]:
    """Replace ``rel`` by a symlink to a file with ``content`` outside the project."""
    def apply(root: Path) -> None:
        outside = root.parent / "outside" / Path(rel).name
        outside.parent.mkdir(exist_ok=True)
        outside.write_text(content, encoding="utf-8")
        (root / rel).unlink()
        (root / rel).symlink_to(outside)
    return apply


def huge_chapter(root: Path) -> None:
    """A 50 MB chapter: a valid heading and 10 million words."""
    with open(root / "source/01-first.md", "w", encoding="utf-8") as handle:
        handle.write("# First Things\n\n")
        chunk = "word " * 1_000_000
        for _ in range(10):
            handle.write(chunk)
        handle.write("\n")


def both(*mutations: Callable[[Path], None]) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        for mutation in mutations:
            mutation(root)
    return apply


NESTED_LIST = "\n".join("  " * i + "- item" for i in range(1000))  # 1 MB; 5,000 would be 25 MB
NESTED_QUOTE = "> " * 5000 + "deep"
CH1, CH2, CH3, META = ("source/01-first.md", "source/02-second.md", "source/03-references.md",
                       "source/metadata.yaml")
PARA1 = "A second paragraph, to see the indent."           # 01-first.md line 5
PARA2 = "Here a quotation follows, and a second note.[^2]"  # 02-second.md line 3


@dataclass
class Case:
    """One bad input: how to make it, and the first line of the answer.

    ``line`` is a number, ``None`` (no line: the file as a whole), or a string to find in
    ``path`` after the mutation. ``errors`` is how many lines stderr must have. A case that
    fails in load or check must not touch ``build/`` at all (bytes and mtimes); one that
    fails while rendering (``renders``) must leave every byte as it was.
    """

    id: str
    mutate: Callable[[Path], None]
    path: str
    line: int | str | None
    code: str
    says: str = ""
    errors: int = 1
    subprocess: bool = False
    renders: bool = False  # fails while rendering: other outputs may be rewritten, same bytes


CASES = [
    # metadata.yaml
    Case("yaml-does-not-parse", edit(META, "lang: en", "lang: [en"), META, "source:", "Z001",
         "YAML does not parse", subprocess=True),
    Case("yaml-not-a-mapping", write(META, "- just\n- a list\n"), META, 1, "Z002"),
    Case("yaml-key-twice", edit(META, "lang: en", "lang: en\ntitle: Another Title"), META, 6,
         "Z007", "'title' is given twice (lines 1 and 6); YAML would keep only the second",
         subprocess=True),
    Case("yaml-nested-key-twice", edit(META, "number: 2,", "number: 2, number: 3,"), META,
         "edition:", "Z007", "'edition.number' is given twice"),
    Case("slug-not-a-slug", edit(META, "lang: en", "lang: en\nslug: A Tiny Zine!"), META,
         "slug:", "Z005", "field 'slug' expects a-z, 0-9 and single hyphens"),
    Case("slug-too-long", edit(META, "lang: en", "lang: en\nslug: " + "a" * 61), META,
         "slug:", "Z005", "at most 60 characters"),
    Case("yaml-wrong-type-lang", edit(META, "lang: en", "lang: 42"), META, "lang:", "Z005",
         "field 'lang' expects a BCP 47 tag, got int"),
    Case("yaml-wrong-type-subject", edit(META, "subject: [testing, zines]", "subject: testing"),
         META, "subject:", "Z005", "expects a list of text, got str"),
    Case("yaml-wrong-type-edition", edit(META, "number: 2", "number: two"), META, "edition:",
         "Z005", "field 'edition'"),
    Case("unknown-field", edit(META, "title:", "titel:"), META, "titel:", "Z003",
         "unknown field 'titel' (did you mean 'title'?)", errors=2),  # + title missing
    Case("unknown-field-hint", edit(META, "lang: en", "lang: en\nlanguage: en"), META,
         "language:", "Z003", "did you mean 'lang'?"),
    Case("required-field-missing",
         edit(META, 'identifier: "urn:uuid:0c2f4a3e-1b7d-4c55-9a61-3f7f1c2d9e10"\n', ""),
         META, 1, "Z004", "required field 'identifier' is missing"),
    Case("neither-license-nor-rights",
         both(edit(META, 'rights: "Anti-Copyright. Copy freely."\n', ""),
              edit(META, "license: anti-copyright\n", "")),
         META, 1, "Z004", "required field 'license' is missing"),
    Case("license-unknown", edit(META, "license: anti-copyright", "license: CC-BY-NC"),
         META, 8, "Z008", "unknown license 'CC-BY-NC' (did you mean 'CC-BY-NC-4.0'?)"),
    Case("author-not-a-name", edit(META, "author: Test Collective", "author: [3]"),
         META, 2, "Z005", "field 'author' expects a name, a list of names"),
    Case("footnotes-numbering-unknown",
         edit(META, "edition:", "footnotes: {numbering: page}\nedition:"),
         META, 14, "Z005", "field 'footnotes' expects {numbering: book}"),
    Case("two-errors-two-lines", both(edit(META, "lang: en", "lang: 42"),
                                      edit(META, "lang: 42", "lang: 42\ncolour: red")),
         META, "colour:", "Z003", errors=2),
    Case("metadata-missing", remove(META), META, None, "Z000", "metadata file not found"),
    Case("metadata-not-utf8", replace_bytes(META, b"Test Collective", b"Test Coll\xe9ctive"),
         META, 2, "Z107", "not UTF-8"),
    Case("metadata-symlink-outside", symlink_outside(META, "title: x\n"), META, None, "Z301",
         "points outside the project"),
    Case("correction-kind-unknown", edit(META, "kind: lacuna", "kind: lacunae"), META,
         "kind: lacunae", "Z006", "correction kind must be one of"),
    Case("chapter-role-unknown", edit(META, "role: preface", "role: prologue"), META,
         "role: prologue", "Z005", "chapter role must be one of"),
    # chapter files and the chapter list
    Case("chapter-not-utf8", replace_bytes(CH2, b"follows", b"follows \xe9t\xe9"), CH2, 3,
         "Z107", "file is not UTF-8 (byte 0xe9)", subprocess=True),
    Case("chapter-empty", write(CH1, "# First Things\n"), CH1, 1, "Z106", "chapter is empty"),
    Case("chapter-missing", remove(CH3), META, "03-references.md", "Z110",
         "chapter file 'source/03-references.md' not found"),
    Case("chapter-listed-twice", edit(META, "{file: 03-references.md", "{file: 01-first.md"),
         META, "title: References", "Z102", "listed twice (first at line 22)"),
    Case("chapter-not-listed", write("source/04-extra.md", "# Extra\n\nMore.\n"),
         "source/04-extra.md", 1, "Z103", "not listed in metadata 'chapters'"),
    Case("text-before-heading", edit(CH1, "# First Things", "An opening line.\n\n# First Things"),
         CH1, 1, "Z109", "text before the chapter's '# Title' heading"),
    Case("heading-differs", edit(CH1, "# First Things", "# First Thing"), CH1, 1, "Z104",
         "heading 'First Thing' differs from metadata title 'First Things'"),
    Case("heading-missing", edit(CH1, "# First Things\n", ""), CH1, 1, "Z105",
         "no '# Title' heading"),
    Case("chapter-symlink-outside", symlink_outside(CH1, "# First Things\n\nText.\n"), META,
         "01-first.md", "Z301", "points outside the project", subprocess=True),
    Case("chapter-huge-50mb", huge_chapter, CH1, 1, "Z108", "file is 50 MB; the limit is 5 MB",
         subprocess=True),
    Case("nested-list-1000", edit(CH1, PARA1, NESTED_LIST), CH1, 5 + 32, "Z112",
         "nested 33 levels deep; the limit is 32", subprocess=True),
    Case("nested-quote-5000", edit(CH1, PARA1, NESTED_QUOTE), CH1, 5, "Z112",
         "nested 5000 levels deep"),
    # footnotes and lacunae
    Case("footnote-called-twice", edit(CH1, PARA1, PARA1 + "[^1]"), CH1, 5, "Z204",
         "footnote [^1] is called twice (also source/01-first.md:3)"),
    Case("footnote-called-not-defined", edit(CH1, PARA1, PARA1 + "[^9]"), CH1, 5, "Z201",
         "footnote [^9] is called but never defined"),
    Case("footnote-defined-not-called", edit(CH1, "[^1]: The first note.",
                                             "[^1]: The first note.\n\n[^8]: An orphan."),
         CH1, "[^8]:", "Z202", "footnote [^8] is defined but never called"),
    Case("footnote-duplicate-label", edit(CH2, "[^3]: The third", "[^2]: Again.\n\n[^3]: The third"),
         CH2, "[^2]: Again", "Z203", "footnote [^2] is defined twice (also source/02-second.md:"),
    Case("footnote-defined-in-other-file", both(edit(CH1, "[^1]: The first note.", ""),
                                                edit(CH2, "[^3]: The third",
                                                     "[^1]: The first note.\n\n[^3]: The third")),
         CH2, "[^1]: The first", "Z205", "defined in another file than its call"),
    Case("lacuna-not-recorded", edit(CH1, PARA1, PARA1 + " […]"), CH1, 5, "Z111",
         "lacuna marker […] is not recorded in corrections"),
    # raw HTML
    Case("html-script", edit(CH1, PARA1, PARA1 + " <script>alert(1)</script>"), CH1, 5, "Z302",
         "raw HTML '<script' is not allowed", subprocess=True),
    Case("html-iframe", edit(CH1, PARA1, '<iframe src="https://example.org/"></iframe>'), CH1, 5,
         "Z302", "'<iframe' is not allowed"),
    Case("html-event-attribute", edit(CH1, PARA1, 'Click <span onclick="alert(1)">here</span>.'),
         CH1, 5, "Z302", "onclick"),
    Case("html-img", edit(CH1, PARA1, '<img src="x.png">'), CH1, 5, "Z302", "'<img'"),
    # images
    Case("image-http", edit(CH1, PARA1, "![a](http://example.org/a.png)"), CH1, 5, "Z303",
         "image 'http://example.org/a.png' is a URL"),
    Case("image-https", edit(CH1, PARA1, "![a](https://example.org/a.png)"), CH1, 5, "Z303",
         "image 'https://example.org/a.png' is a URL", subprocess=True),
    Case("image-file-url", edit(CH1, PARA1, "![a](file:///etc/passwd)"), CH1, 5, "Z303",
         "image 'file:///etc/passwd' is a URL"),
    Case("image-protocol-relative", edit(CH1, PARA1, "![a](//example.org/a.png)"), CH1, 5,
         "Z303", "is a URL"),
    Case("image-path-outside", edit(CH1, PARA1, "![a](../../etc/passwd)"), CH1, 5, "Z301",
         "'source/../../etc/passwd' points outside the project"),
    Case("image-reference-style-url", edit(CH1, PARA1, "![a][pic]\n\n[pic]: https://example.org/a.png"),
         CH1, 5, "Z303", "image 'https://example.org/a.png' is a URL"),
    Case("image-missing", edit(CH1, PARA1, "![a](missing.png)"), CH1, 5, "Z304",
         "image 'missing.png' not found"),
    # stylesheets named in metadata
    Case("css-url", edit(META, "lang: en", "lang: en\ncss: [https://example.org/x.css]"), META,
         "css:", "Z303", "stylesheet 'https://example.org/x.css' is a URL"),
    Case("css-file-url", edit(META, "lang: en", "lang: en\ncss:\n  - file:///etc/passwd"), META,
         "file:///etc/passwd", "Z303", "is a URL"),
    Case("css-path-outside", edit(META, "lang: en", "lang: en\ncss:\n  - ../../etc/passwd"), META,
         "../../etc/passwd", "Z301", "points outside the project"),
    # font files named in metadata
    Case("font-not-a-font", edit(META, "lang: en", "lang: en\nfonts: [source/01-first.md]"), META,
         "fonts:", "Z306", "'source/01-first.md' is not a font file"),
    Case("font-listed-missing", edit(META, "lang: en", "lang: en\nfonts:\n  - fonts/han.ttf"),
         META, "fonts/han.ttf", "Z304", "font file 'fonts/han.ttf' not found"),
    Case("font-listed-url", edit(META, "lang: en", "lang: en\nfonts: [https://example.org/a.ttf]"),
         META, "fonts:", "Z303", "font file 'https://example.org/a.ttf' is a URL"),
    Case("font-listed-outside", edit(META, "lang: en", "lang: en\nfonts:\n  - ../../x.ttf"),
         META, "../../x.ttf", "Z301", "points outside the project"),
    # templates, stylesheets and fonts of templates/
    Case("template-syntax-error", edit("templates/book.html.j2", "{% endfor %}", "{% endfro %}"),
         "templates/book.html.j2", "{% endfro %}", "Z402",
         "template syntax error: Encountered unknown tag 'endfro'", subprocess=True),
    Case("template-colophon-syntax-error", edit("templates/colophon.html.j2", "{{", "{{ {{"),
         "templates/colophon.html.j2", "{{ {{", "Z402", "template syntax error"),
    # A project font that is missing falls back to zinepress's default of the same name;
    # one that exists nowhere is named.
    Case("font-file-missing", edit("templates/fonts/fonts.css", "EBGaramond_400Regular_Italic.ttf",
                                   "EBGaramond_400Regular_Italc.ttf"),
         "templates/fonts/fonts.css", "EBGaramond_400Regular_Italc.ttf", "Z304",
         "font file 'EBGaramond_400Regular_Italc.ttf' not found"),
    Case("font-url", edit("templates/fonts/fonts.css", 'url("EBGaramond_700Bold.ttf")',
                          'url("https://fonts.example.org/b.otf")'),
         "templates/fonts/fonts.css", "fonts.example.org", "Z303", "font file 'https://fonts.example.org/b.otf' is a URL"),
    Case("css-import-url", edit("templates/print.css", "@page {", "@import url(http://example.org/x.css);\n@page {"),
         "templates/print.css", "@import", "Z303", "'http://example.org/x.css' is a URL"),
    Case("template-img-url", edit("templates/book.html.j2", "<body", '<img src="https://example.org/t.png"><body'),
         "templates/book.html.j2", "example.org/t.png", "Z303", "is a URL"),
    Case("epub-template-not-xml", edit("templates/epub/titlepage.xhtml.j2",
                                       '<p class="date">{{ date_text }}</p>',
                                       '<p class="date">{{ date_text }}'),
         "templates/epub/titlepage.xhtml.j2", None, "Z405", "not well-formed XML", renders=True),
    Case("epub-template-syntax", edit("templates/epub/nav.xhtml.j2", "{% endfor %}", "{% endfo %}"),
         "templates/epub/nav.xhtml.j2", "endfo", "Z402", "template syntax error"),
    Case("image-format", both(write("source/pic.bmp", "BM"),
                              edit(CH1, PARA1, PARA1 + "\n\n![A picture](pic.bmp)")),
         CH1, 7, "Z307", "image 'pic.bmp' is not a format every output carries"),
    Case("template-stylesheet-outside", edit("templates/book.html.j2", 'href="print.css"',
                                             'href="../../../etc/passwd"'),
         "templates/book.html.j2", "etc/passwd", "Z301", "points outside the project"),
]


@pytest.fixture(scope="module")
def built_tiny(tmp_path_factory) -> Path:
    """The tiny project with ``build/`` holding its ``pdf`` and ``epub``, built once."""
    root = copy_project(tmp_path_factory.mktemp("built") / "tiny", FIXTURES / "tiny" / "source")
    Build(root).run(TARGETS)
    return root


@pytest.fixture
def project(built_tiny, tmp_path) -> Path:
    """A private copy of the built tiny project (mtimes kept)."""
    return Path(shutil.copytree(built_tiny, tmp_path / "tiny", symlinks=True))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_one_line_and_changes_nothing(case: Case, project: Path, capsys):
    before = snapshot(project / "build")
    assert before, "the baseline build produced nothing"
    case.mutate(project)

    args = ["build", *TARGETS]
    code, out, err = (run_subprocess(project, args) if case.subprocess
                      else run_cli(project, args, capsys))

    assert "Traceback" not in err + out
    assert code == 2, err
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == case.errors, err
    for text in lines:
        assert LINE.match(text), f"not 'path:line: Zxxx message': {text!r}"
    first = LINE.match(lines[0])
    expected_line = (line_of(project / case.path, case.line) if isinstance(case.line, str)
                     else case.line)
    assert (first["path"], first["line"], first["code"]) == (
        case.path, None if expected_line is None else str(expected_line), case.code), lines[0]
    assert case.says in lines[0]
    after = snapshot(project / "build")
    assert {k: v[0] for k, v in after.items()} == {k: v[0] for k, v in before.items()}, \
        "a failed build changed build/"
    if not case.renders:
        assert after == before, "a build that failed before rendering wrote to build/"
    assert temp_files(project / "build") == []


def test_at_least_thirty_cases():
    assert len(CASES) >= 30
    assert sum(c.subprocess for c in CASES) >= 5


# -- inputs that must work -----------------------------------------------------------

def to_crlf_bom(root: Path, bom: bool = True, crlf: bool = True) -> None:
    for path in [root / META, *sorted((root / "source").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        if crlf:
            text = text.replace("\n", "\r\n")
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))


@pytest.mark.parametrize("bom,crlf", [(True, False), (False, True)], ids=["bom", "crlf"])
def test_bom_or_crlf_checks_like_plain_files(project: Path, capsys, bom, crlf):
    plain = run_cli(project, ["check"], capsys)
    to_crlf_bom(project, bom=bom, crlf=crlf)
    assert run_cli(project, ["check"], capsys) == plain
    assert plain[0] == 0 and " Z" not in plain[2]  # the tiny book has lint warnings only


def test_bom_and_crlf_build_the_same_book(project: Path, capsys):
    """A BOM and CRLF line ends everywhere build the same EPUB bytes and the same PDF text.

    (The PDF's bytes are not compared: its embedded font subset differs from run to run.)
    """
    before = snapshot(project / "build")
    pdf = project / "build/a-tiny-zine.pdf"
    text_before = page_texts(pdf)
    to_crlf_bom(project)
    code, out, err = run_cli(project, ["build", *TARGETS], capsys)
    assert (code, err) == (0, "")
    after = snapshot(project / "build")
    assert after["a-tiny-zine.epub"][0] == before["a-tiny-zine.epub"][0]
    assert page_texts(pdf) == text_before


def test_nesting_under_the_limit_checks(project: Path, capsys):
    """The nesting guard leaves room: 30 levels of block quote are fine."""
    edit(CH1, PARA1, "> " * 30 + "deep")(project)
    code, _, err = run_cli(project, ["check"], capsys)
    assert code == 0 and " Z" not in err


def test_check_reports_the_same_line_as_build(project: Path, capsys):
    edit(CH1, PARA1, PARA1 + "[^9]")(project)
    code, _, err = run_cli(project, ["check"], capsys)
    assert code == 2 and err == "source/01-first.md:5: Z201 footnote [^9] is called but never defined\n"


def test_unknown_output_name_is_one_line(project: Path):
    proc = subprocess.run([sys.executable, "build.py", "--root", str(project), "build", "pfd"],
                          cwd=ROOT, capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT_S)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "'pfd'" in proc.stderr.splitlines()[-1]
