"""Lint stage: a loaded :class:`~zinepress.source.load.Book` in, a list of style findings out.

Findings are things an editor should look at, not errors: ``zinepress check`` prints
them as warnings and exits 0, ``zinepress check --strict`` makes them fatal. The text
is never changed to please the linter; a finding in a faithful copy is a note for the
reader of the report, not a request to edit the authors' words.

Codes (each finding prints as ``source/03-x.md:12: L203 space before ','``):

- L101 a reference entry that no citation in the text uses
- L102 a citation ("Author YEAR: page", "(Author YEAR)", "(Author et al. YEAR)",
  "(Author and Author YEAR)") with no entry in the references chapter
- L201 a straight double quote (") in a text that otherwise uses curly ones
- L202 a double space between words
- L203 a space before , . ; : ! or ?
- L204 a word hyphenated at a former line break that survived ("revo- lutionary")
- L401 an italic phrase whose words are mostly not in the book language's dictionary:
  probably another language, to be marked ``[*…*]{lang=xx}`` so that hyphenation and
  text-to-speech use the right rules (a guess at ``xx`` comes from the dictionaries
  that know most of its words)

The references chapter is the one with ``role: references``; its paragraphs that
start with a name and hold a ``(YEAR)`` are the entries, keyed by the first name and
the year (``Nunes, Rodrigo (2014a)`` -> ``Nunes 2014a``).
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from collections import defaultdict
from importlib import resources

from zinepress.check.rules import Line, text_lines
from zinepress.errors import ZineError
from zinepress.source.load import Book

_NAME = r"[^\W\d_][\w’'-]*"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)[a-z]?"
_PAGES = r"\d+(?:\s*[-–]\s*\d+)?"
# "Deleuze and Guattari 1991: 105-106", "Ronfeldt et al. 1998", "KAPD 1921"
# "(Žižek: 2004: 7)" also counts: a stray colon does not make a citation unknown.
_CITATION = re.compile(
    rf"(?P<name>{_NAME})(?:(?: and | & ){_NAME}| et al\.)?[,:]? (?P<year>{_YEAR})"
    rf"(?P<pages>:\s*{_PAGES})?")
_PARENS = re.compile(r"\(([^()]*)\)")
_LONE_YEAR = re.compile(rf"^\s*({_YEAR})(?::\s*{_PAGES})?\s*$")
_ATTRIBUTION = re.compile(r"^(?:>\s*)*[–—-]\s+(.*)$")
_ENTRY = re.compile(rf"^[“”\"‘’']?(?P<name>{_NAME})[^()]*?\((?P<year>{_YEAR})\)")
_STRAIGHT = re.compile(r'"')
_CURLY = re.compile(r"[“”]")
_DOUBLE_SPACE = re.compile(r"(?<=\S)  +(?=\S)")
_SPACE_BEFORE = re.compile(r"(?<=\S)[ \t]+([,.;:!?])(?!\.)(?=\s|$)")
# "revo- lutionary", "Marksist- Leninist"; "pre- and post-war" is a suspended hyphen.
_BROKEN_WORD = re.compile(r"(?<![\w-])([^\W\d_]+)- (?!(?:and|or|nor|to|&)\b)([^\W\d_]+)")
_CODE_SPAN = re.compile(r"`[^`]*`")
_AUTOLINK = re.compile(r"<[a-zA-Z][\w+.-]*:[^\s>]*>")


def lint_book(book: Book) -> list[ZineError]:
    """Return every style finding of the book, in file order within each code."""
    findings = lint_citations(book)
    findings += lint_typography(book)
    findings += lint_languages(book)
    return findings


def _prose(line: Line) -> str:
    """Return the line with code spans and autolinks (URLs hold no prose) as one word."""
    return _AUTOLINK.sub("url", _CODE_SPAN.sub("code", line.text))


def citations(book: Book, known: set[str] = frozenset()) -> list[tuple[Line, str, str]]:
    """Return ``(line, name, year)`` for each citation outside the references chapter.

    A name is a capitalised word, or any word whose case-folded form names a reference
    entry: adrienne maree brown signs in lower case, and "(brown 2017: 51)" cites her.
    """
    def is_name(name: str) -> bool:
        return name[0].isupper() or name.casefold() in known

    found = []
    for chapter in book.chapters:
        if chapter.role == "references":
            continue
        for line in text_lines(chapter):
            text = _prose(line)
            spans = [m.group(1) for m in _PARENS.finditer(text)]
            attribution = _ATTRIBUTION.match(text)
            if attribution:
                spans.append(attribution.group(1))
            seen = set()
            for span in spans:  # "(CoCoRi 1977; Wright 2005: 82)" holds two
                name = None
                for part in span.split(";"):
                    match = _CITATION.search(part)
                    if match and is_name(match.group("name")):
                        name = match.group("name")
                        seen.add((name, match.group("year")))
                    elif name and (year := _LONE_YEAR.match(part)):
                        seen.add((name, year.group(1)))  # "(Porcaro 2011; 2013)"
            # "Author YEAR: page" outside parentheses, e.g. in running text
            for match in _CITATION.finditer(text):
                if match.group("pages") and is_name(match.group("name")):
                    seen.add((match.group("name"), match.group("year")))
            found += [(line, name, year) for name, year in sorted(seen)]
    return found


def references(book: Book) -> list[tuple[Line, str, str]]:
    """Return ``(line, name, year)`` for each entry of the references chapter."""
    entries = []
    for chapter in book.chapters:
        if chapter.role != "references":
            continue
        for line in text_lines(chapter):
            match = _ENTRY.match(line.text)
            if match and not line.text.startswith("#"):
                entries.append((line, match.group("name"), match.group("year")))
    return entries


def lint_citations(book: Book) -> list[ZineError]:
    """L101 reference entries nobody cites, L102 citations with no entry."""
    entries = references(book)
    if not entries:
        return []
    cited = citations(book, {name.casefold() for _, name, _ in entries})
    keys = {(name.casefold(), year) for _, name, year in entries}
    years_by_name: dict[str, list[str]] = defaultdict(list)
    for _, name, year in entries:
        years_by_name[name.casefold()].append(year)
    used = {(name.casefold(), year) for _, name, year in cited}
    findings = []
    for line, name, year in cited:
        if (name.casefold(), year) not in keys:
            other = years_by_name.get(name.casefold())
            hint = (f"the references have {name} " + ", ".join(other)) if other else None
            findings.append(ZineError(line.chapter.rel, line.number, "L102",
                                      f"citation '{name} {year}' has no reference entry", hint))
    for line, name, year in entries:
        if (name.casefold(), year) not in used:
            findings.append(ZineError(line.chapter.rel, line.number, "L101",
                                      f"reference '{name} {year}' is not cited in the text"))
    return findings


def lint_typography(book: Book) -> list[ZineError]:
    """L201 straight quotes among curly ones, L202 double spaces, L203, L204."""
    lines = [line for chapter in book.chapters for line in text_lines(chapter)]
    curly = sum(len(_CURLY.findall(_prose(line))) for line in lines)
    findings = []
    for line in lines:
        text = _prose(line)
        rel, number = line.chapter.rel, line.number
        if curly and _STRAIGHT.search(text):
            findings.append(ZineError(rel, number, "L201",
                                      "straight quote (\") where the text uses curly ones (“ ”)"))
        if _DOUBLE_SPACE.search(text):
            findings.append(ZineError(rel, number, "L202", "double space"))
        for match in _SPACE_BEFORE.finditer(text):
            findings.append(ZineError(rel, number, "L203", f"space before '{match.group(1)}'"))
        for match in _BROKEN_WORD.finditer(text):
            findings.append(ZineError(rel, number, "L204",
                                      f"'{match.group(0)}' looks like a word hyphenated at a "
                                      "former line break",
                                      hint=f"'{match.group(1)}{match.group(2)}' or "
                                           f"'{match.group(1)}-{match.group(2)}'?"))
    return findings


# Italics not already inside a language span: "*poder popular*" but not "[*x*]{lang=es}".
_ITALIC = re.compile(r"(?<![\w*\\])\*(?![\s*])([^*\n]+?)(?<!\s)\*(?![\w*])")
_LANG_SPAN = re.compile(r"\[[^\[\]]*\]\{[^{}]*lang=[^{}]*\}")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# Word lists of the pyspellchecker package (word -> frequency), by language.
DICTIONARY_PACKAGE = "spellchecker"


@functools.lru_cache(maxsize=None)
def dictionary(lang: str) -> frozenset[str] | None:
    """Return the lower-case words of ``lang``'s dictionary, or None if there is none."""
    path = resources.files(DICTIONARY_PACKAGE).joinpath(f"resources/{lang}.json.gz")
    if not path.is_file():
        return None
    return frozenset(json.loads(gzip.decompress(path.read_bytes())))


def dictionary_languages() -> list[str]:
    """Return the languages that have a dictionary, in name order."""
    folder = resources.files(DICTIONARY_PACKAGE).joinpath("resources")
    return sorted(p.name.split(".")[0] for p in folder.iterdir() if p.name.endswith(".json.gz"))


def unknown_words(phrase: str, known: frozenset[str]) -> tuple[list[str], list[str]]:
    """Return the phrase's words and those of them ``known`` lacks (case-folded).

    >>> unknown_words("Movimiento de Izquierda", frozenset({"de"}))
    (['movimiento', 'de', 'izquierda'], ['movimiento', 'izquierda'])
    """
    words = [w.casefold().replace("’", "'") for w in _WORD.findall(phrase)]
    return words, [w for w in words if w not in known]


def looks_foreign(words: list[str], unknown: list[str]) -> bool:
    """True if at least half of a phrase's words are unknown to the book's language.

    >>> looks_foreign(["poder", "popular"], ["poder"]), looks_foreign(["two", "poles"], [])
    (True, False)
    """
    return bool(unknown) and 2 * len(unknown) >= len(words)


def best_guess(words: list[str], known_by_lang: dict[str, frozenset[str]],
               book_known: int) -> str | None:
    """Return the language whose dictionary knows most of ``words``, if it beats the book's.

    >>> best_guess(["los", "sin", "casa"], {"es": frozenset({"los", "sin", "casa"}),
    ...                                     "it": frozenset({"sin", "casa"})}, 2)
    'es'
    >>> best_guess(["kurdistanê"], {"es": frozenset()}, 0) is None
    True
    """
    scores = {lang: sum(w in known for w in words) for lang, known in known_by_lang.items()}
    lang = max(sorted(scores), key=lambda name: scores[name], default=None)
    return lang if lang is not None and scores[lang] > book_known else None


def lint_languages(book: Book) -> list[ZineError]:
    """L401 italic phrases that look like another language and carry no ``lang``."""
    lang = book.meta["lang"].split("-")[0].lower()
    known = dictionary(lang)
    if known is None:
        return []
    findings = []
    for chapter in book.chapters:
        for line in text_lines(chapter):
            text = _LANG_SPAN.sub(" ", _prose(line))
            for match in _ITALIC.finditer(text):
                phrase = match.group(1)
                words, unknown = unknown_words(phrase, known)
                if not looks_foreign(words, unknown):
                    continue
                others = {name: dictionary(name) for name in dictionary_languages()
                          if name != lang}
                guess = best_guess(words, others, len(words) - len(unknown))
                findings.append(ZineError(
                    chapter.rel, line.number, "L401",
                    f"italic '{phrase}' looks like {guess or 'another language'}, not {lang}",
                    hint=f"mark its language: [*{phrase}*]{{lang={guess or 'xx'}}}"))
    return findings
