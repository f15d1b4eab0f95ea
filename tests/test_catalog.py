"""`zinepress catalog`: the essay and an imported text built together into a site and feeds.

The catalogue is made once per module from the essay (built by the session's ``essay``
fixture) and the imported kitchen text (built here, in the shared pool). The tests read
the real site: its pages with an HTML5 parser in strict mode and every link followed to
a file; the OPDS 1.2 feeds against the published RELAX NG schema and through feedparser;
the OPDS 2.0 feeds against the published JSON Schemas; and a rebuild that writes nothing.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import html5lib
import lxml.etree as etree
import pytest
from jsonschema import Draft7Validator, validators
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from conftest import ROOT
from zinepress import cli
from zinepress.formats.image import image_size
from zinepress.library.catalog import make_catalog
from zinepress.library.shelf import PUBLISHED

# What the site links to; the essay's other outputs come from the session's build, and the
# imported text needs no large-print edition or printing instructions to be catalogued.
CATALOGUE_OUTPUTS = PUBLISHED

SCHEMAS = ROOT / "tests" / "schemas"
KITCHEN = "the-kitchen-on-mill-street"
ESSAY = "create-two-three-many-parties-of-autonomy"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site(essay, imported, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("catalogue") / "site"
    result = make_catalog([essay["root"], imported[KITCHEN]], out, outputs=CATALOGUE_OUTPUTS)
    assert result.texts == 2
    return out


class Links(HTMLParser):
    """Every href and src of a page, and every id."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.scripts += tag == "script" or any(k.startswith("on") for k in attrs)
        self.links += [attrs[k] for k in ("href", "src") if attrs.get(k)]
        if attrs.get("id"):
            self.ids.add(attrs["id"])


def parse_links(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_is_valid_html5(site):
    parser = html5lib.HTMLParser(strict=True)   # raises on any parse error
    assert len(pages(site)) >= 1 + 2 + 8        # index, two or more authors, the topics
    for page in pages(site):
        parser.parse(page.read_bytes())
        assert parse_links(page).scripts == 0, f"{page}: works without JavaScript"


def test_every_link_of_every_page_resolves(site):
    for page in pages(site):
        for link in parse_links(page).links:
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc, f"{page}: {link} leaves the site"
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file() and target.is_relative_to(site.resolve()), (page, link)
            if parts.fragment:
                assert parts.fragment in parse_links(target).ids, (page, link)


def test_index_shows_each_text_with_its_files(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    kitchen = index.split(f'id="{KITCHEN}"')[1].split("</li>\n  <li class=\"text\"")[0]
    assert "The Kitchen on Mill Street" in kitchen
    assert 'href="authors/mill-street-kitchen-collective.html">Mill Street Kitchen Collective' in kitchen
    assert 'href="topics/mutual-aid.html">mutual aid' in kitchen
    assert "<dd>English</dd>" in kitchen and re.search(r"\d+ pages", kitchen)
    for name, label in ((f"{KITCHEN}.pdf", "Reading PDF (A5)"),
                        (f"{KITCHEN}-zine-a4.pdf", "Zine to print, A4"),
                        (f"{KITCHEN}-zine-letter.pdf", "Zine to print, US Letter"),
                        (f"{KITCHEN}.epub", "EPUB")):
        assert f'href="texts/{KITCHEN}/{name}"' in kitchen and label in kitchen
    assert f'src="texts/{KITCHEN}/{KITCHEN}-cover-thumbnail.jpg"' in kitchen
    # sorted by LISTtitle/sort-title: "Create Two…" before "Kitchen on Mill Street, The"
    assert index.index(f'id="{ESSAY}"') < index.index(f'id="{KITCHEN}"')
    topic = (site / "topics" / "mutual-aid.html").read_text(encoding="utf-8")
    assert f'id="{KITCHEN}"' in topic and f'id="{ESSAY}"' not in topic


def test_covers_are_png_and_jpeg_of_the_book(site, essay):
    folder = site / "texts" / ESSAY
    png, jpeg = (folder / f"{ESSAY}-cover.png").read_bytes(), (folder / f"{ESSAY}-cover-thumbnail.jpg").read_bytes()
    assert png.startswith(b"\x89PNG") and jpeg.startswith(b"\xff\xd8")
    assert image_size(png) == (600, 900) and image_size(jpeg) == (200, 300)
    from PIL import Image
    import io
    pixels = Image.open(io.BytesIO(png)).convert("L").getextrema()
    assert pixels[0] < 60 and pixels[1] > 200, "ink on paper, not a blank picture"


def relax_ng() -> etree.RelaxNG:
    """The published OPDS 1.2 schema, with the fix of opds-community/specs issue #3.

    The published ``atomUri`` pattern lost two backslashes (``\\nrt`` for ``\\n\\r\\t``)
    and so refuses every URI holding an "r" or a "t"; the issue gives the fix.
    """
    path = SCHEMAS / "opds-1.2" / "opds.rng"
    text = path.read_text(encoding="utf-8")
    fixed = text.replace(r'.*[ &lt;&gt;{}|^`"\nrt].*', r'.*[ &lt;&gt;{}|^`"\n\r\t].*')
    assert fixed != text
    return etree.RelaxNG(etree.fromstring(fixed.encode(), base_url=str(path)))


def feeds(site: Path, suffix: str) -> list[Path]:
    return sorted((site / "opds").rglob(f"*{suffix}"))


def test_opds_1_2_feeds_validate_and_parse(site):
    schema = relax_ng()
    found = feeds(site, ".xml")
    assert {p.relative_to(site).as_posix() for p in found} >= {
        "opds/root.xml", "opds/catalog.xml", "opds/topics.xml", "opds/authors.xml",
        "opds/topics/mutual-aid.xml", "opds/authors/mill-street-kitchen-collective.xml"}
    for path in found:
        doc = etree.parse(str(path))
        assert schema.validate(doc), (path, [e.message for e in schema.error_log])
        for entry in doc.iter(f"{ATOM}entry"):   # Atom's two Schematron rules
            assert entry.find(f"{ATOM}author") is not None or doc.find(f"{ATOM}author") is not None
            assert entry.find(f"{ATOM}content") is not None or any(
                link.get("rel") in (None, "alternate") for link in entry.iter(f"{ATOM}link"))
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        for link in doc.iter(f"{ATOM}link"):
            target = (path.parent / unquote(link.get("href").split("#")[0])).resolve()
            assert target.is_file(), (path, link.get("href"))


def test_opds_1_2_acquisition_entry_has_what_readers_need(site):
    parsed = feedparser.parse((site / "opds" / "catalog.xml").read_bytes())
    entry = next(e for e in parsed.entries if e.title == "The Kitchen on Mill Street")
    assert entry.id.startswith("urn:uuid:") and entry.author == "Mill Street Kitchen Collective"
    assert entry.updated.startswith("2022-03-14") and entry.published == "2021"   # dc:issued
    assert entry.dcterms_language == "en" and entry.summary.startswith("How a street kitchen")
    assert [t.term for t in entry.tags] == ["mutual aid", "food", "organizing"]
    rels = {(link.rel, link.type) for link in entry.links}
    acquisition = "http://opds-spec.org/acquisition/open-access"
    assert {(acquisition, "application/epub+zip"), (acquisition, "application/pdf"),
            ("http://opds-spec.org/image", "image/png"),
            ("http://opds-spec.org/image/thumbnail", "image/jpeg")} <= rels
    assert sum(1 for link in entry.links if link.rel == acquisition) == 4
    facets = [link for link in parsed.feed.links if link.rel == "http://opds-spec.org/facet"]
    assert {link.title for link in facets} >= {"mutual aid", "Mill Street Kitchen Collective"}


def json_validator() -> Draft7Validator:
    """The published OPDS 2.0 feed schema with the Readium schemas it refers to by URL.

    JSON Schema patterns are ECMA-262 regular expressions; the Readium language-tag
    pattern names its groups ``(?<name>…)``, which Python writes ``(?P<name>…)``.
    """
    resources = []
    for path in (SCHEMAS / "opds-2.0").rglob("*.json"):
        contents = json.loads(path.read_text(encoding="utf-8"))
        contents.pop("$schema", None)   # all draft 7: keep the validator below for every $ref
        resource = Resource.from_contents(contents, default_specification=DRAFT7)
        resources.append((contents["$id"], resource))
        if contents["$id"] == "https://specs.opds.io/schema/properties.schema.json":
            resources.append(("https://drafts.opds.io/schema/properties.schema.json", resource))

    def ecma_pattern(validator, pattern, instance, schema):
        python = re.sub(r"\(\?<(?![=!])", "(?P<", pattern)
        if validator.is_type(instance, "string") and not re.search(python, instance):
            yield ValidationError(f"{instance!r} does not match {pattern!r}")

    validator = validators.extend(Draft7Validator, {"pattern": ecma_pattern})
    feed = json.loads((SCHEMAS / "opds-2.0" / "feed.schema.json").read_text(encoding="utf-8"))
    feed.pop("$schema", None)
    return validator(feed, registry=Registry().with_resources(resources),
                     format_checker=Draft7Validator.FORMAT_CHECKER)


def test_opds_2_0_feeds_validate(site):
    validator = json_validator()
    found = feeds(site, ".json")
    assert len(found) == len(feeds(site, ".xml")) - 1      # every feed but the XML root
    for path in found:
        doc = json.loads(path.read_text(encoding="utf-8"))
        errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(doc)]
        assert errors == [], (path, errors[:3])
        for link in re.findall(r'"href": "([^"]+)"', path.read_text(encoding="utf-8")):
            assert (path.parent / unquote(link)).resolve().is_file(), (path, link)
    catalog = json.loads((site / "opds" / "catalog.json").read_text(encoding="utf-8"))
    kitchen = next(p for p in catalog["publications"] if p["metadata"]["title"] == "The Kitchen on Mill Street")
    assert kitchen["metadata"]["language"] == "en" and kitchen["metadata"]["published"] == "2021"
    assert {(i["type"], i["width"]) for i in kitchen["images"]} == {("image/png", 600), ("image/jpeg", 200)}
    broken = dict(catalog, publications=[{"metadata": {}, "links": []}])
    assert list(validator.iter_errors(broken)), "the schema does refuse a broken feed"


def test_rebuild_of_unchanged_texts_writes_nothing(site, essay, imported):
    again = make_catalog([essay["root"], imported[KITCHEN]], site, outputs=CATALOGUE_OUTPUTS)
    assert (again.rebuilt, again.written, again.copied, again.removed) == (0, 0, 0, 0)


def test_a_text_left_out_goes_from_site_and_feeds(site, essay, tmp_path):
    smaller = tmp_path / "site"
    shutil.copytree(site, smaller)
    result = make_catalog([essay["root"]], smaller, outputs=CATALOGUE_OUTPUTS)
    assert result.removed > 0 and result.rebuilt == 0
    assert not (smaller / "texts" / KITCHEN).exists() or not any((smaller / "texts" / KITCHEN).iterdir())
    assert KITCHEN not in (smaller / "index.html").read_text(encoding="utf-8")
    assert not (smaller / "opds" / "topics" / "mutual-aid.xml").exists()


@pytest.mark.parametrize("case, code", [("not-a-project", "Z710"), ("same-slug", "Z711")])
def test_bad_catalogue_is_one_line_exit_2(tmp_path, capsys, imported, case, code):
    if case == "not-a-project":
        projects = [tmp_path]
    else:
        twin = tmp_path / "twin"
        shutil.copytree(imported[KITCHEN] / "source", twin / "source")
        projects = [imported[KITCHEN], twin]
    capsys.readouterr()
    assert cli.main(["-q", "catalog", *map(str, projects), "-o", str(tmp_path / "site")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f": {code} " in err[0]
    assert not (tmp_path / "site").exists()


def test_the_three_imported_texts_make_epubs_epubcheck_accepts(site, imported):
    """Done-when of issue 16: each Muse fixture builds with 0 epubcheck errors."""
    from concurrent.futures import ThreadPoolExecutor

    from test_epub import epubcheck

    from zinepress.build.builder import Build
    from zinepress.build.recipes import RECIPES
    paths = []
    for root in imported.values():
        build = Build(root)
        build.run(["epub"])        # the kitchen's is already built by the catalogue
        paths.append(RECIPES["epub"].path(build.book))
    with ThreadPoolExecutor(len(paths)) as pool:   # one JVM each, side by side
        checks = list(pool.map(epubcheck, paths))
    for path, messages in zip(paths, checks):
        errors = [m for m in messages if m.startswith(("ERROR", "FATAL"))]
        assert errors == [], (path.name, errors)
