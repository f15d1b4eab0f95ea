"""OPDS feeds: catalogue entries in, OPDS 1.2 (Atom XML) and OPDS 2.0 (JSON) documents out.

The feeds an ebook reader (KOReader, Thorium, calibre, Aldiko) browses, all under
``opds/`` of the site, every link relative to the feed that holds it:

- ``root.xml``: the start, a navigation feed: all texts, by topic, by author;
- ``catalog.xml`` / ``catalog.json``: every text (an acquisition feed), with a facet
  link per topic and author;
- ``topics.xml`` / ``topics.json``, ``authors.xml`` / ``authors.json``: navigation feeds
  listing each topic or author with its number of texts;
- ``topics/<slug>.xml|json``, ``authors/<slug>.xml|json``: the texts of one topic or author.

An entry carries its id (the book's ``identifier``), title, author, language, dates
(``issued``: first publication, ``updated``: this edition), summary, categories, cover
and thumbnail, and an open-access acquisition link per file with its media type. The
XML comes from ``templates/catalog/feed.xml.j2``; the JSON is built here, its words
from the language table. Pure: nothing is read or written.
"""

from __future__ import annotations

import json
import posixpath
import uuid
from dataclasses import dataclass, field

from zinepress.library.shelf import Entry

ATOM_ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
ATOM_NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
OPDS_JSON = "application/opds+json"
OPEN_ACCESS = "http://opds-spec.org/acquisition/open-access"
IMAGE, THUMBNAIL = "http://opds-spec.org/image", "http://opds-spec.org/image/thumbnail"
FACET = "http://opds-spec.org/facet"


@dataclass
class Nav:
    """One line of a navigation feed: a title, how many texts, where it leads (no suffix)."""

    title: str
    target: str       # "opds/topics/food" -> .xml or .json
    count: int
    facet_group: str = ""


@dataclass
class Feed:
    """One feed, written twice (XML and JSON) except ``root``, which is XML only."""

    path: str                       # "opds/catalog" (no suffix)
    title: str
    entries: list[Entry] = field(default_factory=list)
    navigation: list[Nav] = field(default_factory=list)
    facets: list[Nav] = field(default_factory=list)
    up: str | None = None

    @property
    def kind(self) -> str:
        return "navigation" if self.navigation and not self.entries else "acquisition"


def feed_id(site_title: str, path: str) -> str:
    """Return a fixed id for a feed: the same catalogue title and path, the same id."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'zinepress-catalog:{site_title}:{path}')}"


def rel(target: str, feed_path: str) -> str:
    """Return ``target`` (a site path) relative to the folder of ``feed_path``.

    >>> rel("texts/a/a.epub", "opds/topics/food")
    '../../texts/a/a.epub'
    """
    return posixpath.relpath(target, posixpath.dirname(feed_path) or ".")


def timestamp(date: str) -> str:
    """Return an Atom date-time for a YYYY-MM-DD edition date.

    >>> timestamp("2022-03-14")
    '2022-03-14T00:00:00Z'
    """
    return f"{date}T00:00:00Z"


def feeds(entries: list[Entry], topics: dict[str, list[Entry]],
          authors: dict[str, list[Entry]], slugs: dict[str, str], words: dict) -> list[Feed]:
    """Return every feed of the catalogue. ``slugs`` maps a topic or author to its page slug."""
    def navs(groups: dict[str, list[Entry]], folder: str, group: str) -> list[Nav]:
        return [Nav(name, f"opds/{folder}/{slugs[(folder, name)]}", len(items), group)
                for name, items in groups.items()]

    topic_navs = navs(topics, "topics", words["topics"])
    author_navs = navs(authors, "authors", words["authors"])
    out = [
        Feed("opds/root", words["title"], navigation=[
            Nav(words["all-texts"], "opds/catalog", len(entries)),
            Nav(words["by-topic"], "opds/topics", len(entries)),
            Nav(words["by-author"], "opds/authors", len(entries))]),
        Feed("opds/catalog", words["all-texts"], entries=entries,
             facets=topic_navs + author_navs, up="opds/root"),
        Feed("opds/topics", words["by-topic"], navigation=topic_navs, up="opds/root"),
        Feed("opds/authors", words["by-author"], navigation=author_navs, up="opds/root"),
    ]
    for nav, (name, items) in zip(topic_navs, topics.items()):
        out.append(Feed(nav.target, words["topic"].format(name=name), entries=items,
                        up="opds/topics"))
    for nav, (name, items) in zip(author_navs, authors.items()):
        out.append(Feed(nav.target, words["author"].format(name=name), entries=items,
                        up="opds/authors"))
    return out


def updated(entries: list[Entry]) -> str:
    return timestamp(max((e.updated for e in entries), default="1970-01-01"))


def xml_context(feed: Feed, all_entries: list[Entry], site_title: str, words: dict) -> dict:
    """Return what ``catalog/feed.xml.j2`` needs to write one feed."""
    here = feed.path
    return {
        "feed": feed, "id": feed_id(site_title, here), "updated": updated(all_entries),
        "site_title": site_title, "index": rel("index.html", here),
        "self_href": rel(here + ".xml", here), "start": rel("opds/root.xml", here),
        "up": rel(feed.up + ".xml", here) if feed.up else None,
        "self_type": ATOM_NAVIGATION if feed.kind == "navigation" else ATOM_ACQUISITION,
        "navigation": [{"nav": n, "href": rel(n.target + ".xml", here), "id": feed_id(site_title, n.target),
                        "count": count_words(words, n.count),
                        "type": ATOM_NAVIGATION if n.target in ("opds/topics", "opds/authors")
                        else ATOM_ACQUISITION} for n in feed.navigation],
        "facets": [{"nav": n, "href": rel(n.target + ".xml", here)} for n in feed.facets],
        "entries": [entry_links(e, here, words) for e in feed.entries],
        "words": words, "types": {"acquisition": ATOM_ACQUISITION},
        "rels": {"open_access": OPEN_ACCESS, "image": IMAGE, "thumbnail": THUMBNAIL,
                 "facet": FACET},
    }


def count_words(words: dict, n: int) -> str:
    """Return "1 text" / "3 texts" from the language table's ``count``."""
    forms = words["count"]
    return forms.format(n=n) if isinstance(forms, str) else forms["one" if n == 1 else "other"].format(n=n)


def entry_links(entry: Entry, here: str, words: dict) -> dict:
    """Return an entry with the hrefs of its files relative to the feed ``here``."""
    base = f"texts/{entry.slug}/"
    return {
        "entry": entry, "updated": timestamp(entry.updated),
        "files": [{"href": rel(base + f.name, here), "type": f.media_type, "size": f.size,
                   "title": words["files"][f.output]} for f in entry.files],
        "cover": rel(base + entry.cover.name, here),
        "thumbnail": rel(base + entry.thumbnail.name, here),
    }


def publication(entry: Entry, here: str, words: dict, slugs: dict) -> dict:
    """Return one OPDS 2.0 publication."""
    links = entry_links(entry, here, words)
    metadata = {
        "@type": "http://schema.org/Book", "identifier": entry.identifier,
        "title": entry.title, "author": [{"name": name} for name in entry.authors],
        "language": entry.lang, "published": entry.issued,
        "modified": timestamp(entry.updated),
        "subject": [{"name": t, "links": [{"href": rel(f"opds/topics/{slugs[('topics', t)]}.json", here),
                                            "type": OPDS_JSON}]} for t in entry.topics],
    }
    if entry.subtitle:
        metadata["subtitle"] = entry.subtitle
    if entry.description:
        metadata["description"] = entry.description
    if entry.pages:
        metadata["numberOfPages"] = entry.pages
    return {
        "metadata": metadata,
        "links": [{"rel": OPEN_ACCESS, "href": f["href"], "type": f["type"], "title": f["title"]}
                  for f in links["files"]],
        "images": [
            {"href": links["cover"], "type": entry.cover.media_type,
             "width": entry.cover_size[0], "height": entry.cover_size[1]},
            {"href": links["thumbnail"], "type": entry.thumbnail.media_type,
             "width": entry.thumbnail_size[0], "height": entry.thumbnail_size[1]}],
    }


def json_feed(feed: Feed, all_entries: list[Entry], words: dict, slugs: dict) -> str:
    """Return one OPDS 2.0 feed as JSON text."""
    here = feed.path
    links = [{"rel": "self", "href": rel(here + ".json", here), "type": OPDS_JSON},
             {"rel": "start", "href": rel("opds/catalog.json", here), "type": OPDS_JSON}]
    up = "opds/catalog" if feed.up == "opds/root" else feed.up   # OPDS 2.0 starts at catalog.json
    if up and up != here:
        links.append({"rel": "up", "href": rel(up + ".json", here), "type": OPDS_JSON})
    doc: dict = {"metadata": {"title": feed.title, "modified": updated(all_entries)},
                 "links": links}
    navigation = feed.navigation or ([Nav(words["by-topic"], "opds/topics", 0),
                                      Nav(words["by-author"], "opds/authors", 0)]
                                     if here == "opds/catalog" else [])
    if navigation:
        doc["navigation"] = [{"href": rel(n.target + ".json", here), "title": n.title,
                              "type": OPDS_JSON, **({"properties": {"numberOfItems": n.count}}
                                                    if n.count else {})} for n in navigation]
    if feed.facets:
        groups: dict[str, list[Nav]] = {}
        for nav in feed.facets:
            groups.setdefault(nav.facet_group, []).append(nav)
        doc["facets"] = [{"metadata": {"title": group},
                          "links": [{"href": rel(n.target + ".json", here), "title": n.title,
                                     "type": OPDS_JSON,
                                     "properties": {"numberOfItems": n.count}} for n in navs]}
                         for group, navs in groups.items()]
    if feed.entries:
        doc["metadata"]["numberOfItems"] = len(feed.entries)
        doc["publications"] = [publication(e, here, words, slugs) for e in feed.entries]
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
