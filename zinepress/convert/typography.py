"""Typography pass: pandoc inlines (or a plain metadata string) in, the same with the
typographic characters of the book's language out.

Render-time only: the chapters in ``source/`` are never changed, and the fidelity
check compares the source, not what this pass makes. What it does, after pandoc's
``smart`` extension, the Standard Ebooks ``typogrify`` rules and The Anarchist
Library's preprocessor (Text::Amuse::Preprocessor):

- straight and curly quotes become the language's quotation marks, chosen by what
  stands on either side (``"`` opens after a space, closes after a word), curly ones
  keep the direction the author gave them; ``'`` between letters and before a
  decade (``'80s``, also a wrong ``‘80s``) is an apostrophe;
- a hyphen between two numbers (``1917-1923``, ``105-106``) becomes an en dash;
  ``--`` an en dash, ``---`` an em dash; ``...`` and ``. . .`` an ellipsis;
- no-break spaces bind a citation's year to its name and page (``Nunes 2014b: 11``),
  ``p. 12``, a spaced dash to the word before it, an attribution dash to its name;
  a word joiner before an unspaced em dash keeps it off the start of a line;
- languages whose table asks for it get a space inside guillemets and before
  ``; : ! ?`` (French), no-break and of the table's kind.

Code, math, raw markup and URLs are never touched. The quotation marks and spaces of
each language come from ``typography`` in ``templates/lang/<lang>.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NBSP = "\u00a0"
WORD_JOINER = "\u2060"
OBJECT = "\ufffc"  # stands for an inline the pass must not look into (code, a note, a URL)

LETTER = re.compile(r"[^\W\d_]")
OPENING_CONTEXT = set(" \t\n([{<" + NBSP + "\u2013\u2014/" + OBJECT + "“‘«‹„‚")
CLOSING_PUNCT = set(".,;:!?)]}…")
QUOTE_CHARS = set("\"'“”‘’")
OPENERS = set("“‘«‹„‚([{")
CLOSERS = set(".,;:!?”’»›)]}…" + OBJECT)
ELISIONS = ("em", "tis", "twas", "til", "cause", "n")

_RANGE = re.compile(r"(?<![\w\-\u2013/.:])(\d+)-(\d+)(?![\w\-/])")
_CITED_YEAR = re.compile(r"(?<![\w])([A-Z][\w’'.\-]*|al\.|ed\.|eds\.) (?=\d{4}[a-z]?(?:[:;,)\]\s]|$))")
_YEAR_PAGE = re.compile(r"(?<=\d{4})([a-z]?[:]) (?=\d)")
_YEAR_LIST = re.compile(r"(?<=\d{4})([a-z]?[;,]) (?=\d{4}\b)")
_ABBREV_NUMBER = re.compile(r"\b(p|pp|No|no|Nos|vol|Vol|ch|fig|n|nn)\. (?=\d)")
_ELLIPSIS = re.compile(r"\.\.\.|\. \. \.")
_URL = re.compile(r"<(?:https?|mailto|ftp):[^\s>]+>|(?:https?|ftp)://\S+|www\.\S+")


@dataclass(frozen=True)
class Rules:
    """A language's typographic characters (from its language table)."""

    quotes: tuple[str, str, str, str] = ("“", "”", "‘", "’")  # open/close double, single
    apostrophe: str = "’"
    quote_space: str = ""          # inside guillemets, e.g. a no-break space for fr
    space_before: str = ""         # characters that take a no-break space before them
    space_before_char: str = NBSP  # that space

    @classmethod
    def from_table(cls, table: dict | None) -> "Rules":
        """Return the rules in a language table's ``typography`` mapping.

        >>> Rules.from_table({"quotes": ["«", "»", "“", "”"], "quote-space": " "}).quotes
        ('«', '»', '“', '”')
        """
        table = table or {}
        base = cls()
        quotes = tuple(table.get("quotes") or base.quotes)
        if len(quotes) != 4:
            raise ValueError("typography.quotes lists four marks: open and close double, "
                             "open and close single")
        return cls(quotes=quotes, apostrophe=table.get("apostrophe", base.apostrophe),
                   quote_space=table.get("quote-space", ""),
                   space_before=table.get("space-before", ""),
                   space_before_char=table.get("space-before-char", NBSP))

    def characters(self) -> set[str]:
        """Return every character this pass may write (fonts must have them all)."""
        fixed = {NBSP, WORD_JOINER, "–", "—", "…"}
        return fixed | set("".join(self.quotes) + self.apostrophe + self.quote_space
                           + self.space_before_char)


# -- the rules on one run of text ---------------------------------------------------

def typeset_text(text: str, rules: Rules) -> str:
    """Return ``text`` with the language's typography (``OBJECT`` marks are kept).

    >>> typeset_text('"Workers\\' councils" (Nunes 2014b: 11) in the \\'80s -- 1917-1923...', Rules())
    '“Workers’ councils” (Nunes\\xa02014b:\\xa011) in the ’80s\\xa0– 1917–1923…'
    """
    return "".join(typeset_cells(list(text), rules))


def typeset_cells(chars: list[str], rules: Rules) -> list[str]:
    """Return one replacement string per input character (``""`` deletes it).

    Keeping one output per input lets the caller put the result back into the pandoc
    inlines the characters came from.
    """
    out = list(chars)
    text = "".join(chars)
    dashes(text, out)
    quotes(text, out, rules)
    spaces(text, out, rules)
    return out


def dashes(text: str, out: list[str]) -> None:
    for match in re.finditer(r"(?<!-)---?(?!-)", text):
        size = match.end() - match.start()
        out[match.start(): match.end()] = ["—" if size == 3 else "–"] + [""] * (size - 1)
        spaced = text[match.start() - 1: match.start()] == " " == text[match.end(): match.end() + 1]
        if spaced:
            bind(out, match.start() - 1)
    for match in _RANGE.finditer(text):
        out[match.start(2) - 1] = "–"
    for match in _ELLIPSIS.finditer(text):
        out[match.start(): match.end()] = ["…"] + [""] * (match.end() - match.start() - 1)
    for i, char in enumerate(text):
        # A spaced " - " between words is a dash, not a hyphen.
        if char == "-" and 0 < i < len(text) - 1 and text[i - 1] == " " and text[i + 1] == " ":
            out[i] = "–"
            bind(out, i - 1)


def quotes(text: str, out: list[str], rules: Rules) -> None:
    open_d, close_d, open_s, close_s = rules.quotes
    single_open = 0
    for i, char in enumerate(text):
        if char in "«»" and rules.quote_space:
            guillemet_spaces(text, i, out, rules.quote_space)
        if char not in QUOTE_CHARS:
            continue
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if char in "\"“”":
            opening = char == "“" or (char == '"' and is_opening(before, after))
            if opening:
                out[i] = open_d + rules.quote_space
                if rules.quote_space and after.isspace() and i + 1 < len(text):
                    out[i + 1] = ""
            else:
                out[i] = rules.quote_space + close_d
                if rules.quote_space and before.isspace() and i:
                    out[i - 1] = ""
            continue
        role = single_role(text, i, before, after, single_open)
        if role == "open":
            single_open += 1
            out[i] = open_s
        elif role == "close":
            single_open -= 1
            out[i] = close_s
        else:
            out[i] = rules.apostrophe


def guillemet_spaces(text: str, i: int, out: list[str], space: str) -> None:
    """Put the language's space inside a guillemet the author typed, spaced or not."""
    inside = i + 1 if text[i] == "«" else i - 1
    if 0 <= inside < len(text) and text[inside] in " " + NBSP:
        out[inside] = space
    elif 0 <= inside < len(text):
        out[i] = out[i] + space if text[i] == "«" else space + out[i]


def is_opening(before: str, after: str) -> bool:
    """Return True if a straight quote between ``before`` and ``after`` opens."""
    if after.isspace() or after in CLOSING_PUNCT:
        return False
    return before in OPENING_CONTEXT or before.isspace() or before in "\"'"


def single_role(text: str, i: int, before: str, after: str, open_count: int) -> str:
    """Return "open", "close" or "apostrophe" for the single quote at ``text[i]``."""
    word_before = bool(LETTER.match(before)) or before.isdigit()
    if word_before and (LETTER.match(after) or after.isdigit()):
        return "apostrophe"                      # don't, d'état, dell'Autonomia
    if re.match(r"\d\d(?!\d)", text[i + 1:i + 4]) and not word_before:
        return "apostrophe"                      # '80s, ’90s
    word = re.match(r"[a-zA-Z]+", text[i + 1:])
    if not word_before and word and word.group(0).lower() in ELISIONS \
            and not re.match(r"[a-zA-Z]+['’]", text[i + 1:]):
        return "apostrophe"                      # 'em, 'tis, rock 'n' roll
    char = text[i]
    if char == "‘" or (char == "'" and is_opening(before, after)):
        return "open"
    if open_count > 0:
        return "close"
    return "apostrophe"                          # workers' councils, Jesus'


def spaces(text: str, out: list[str], rules: Rules) -> None:
    for pattern in (_CITED_YEAR, _YEAR_PAGE, _YEAR_LIST, _ABBREV_NUMBER):
        for match in pattern.finditer(text):
            bind(out, match.end() - 1)
    for i, char in enumerate(text):
        if char not in "–—":
            continue
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if before == " " and after == " ":
            bind(out, i - 1)                     # "word –" never starts a line with –
        elif i == 0 or before == "\n" or before in OPENERS:
            if after == " ":
                bind(out, i + 1)                 # attribution "– Kelley", “— Source”
        elif char == "—" and (LETTER.match(before) or before.isdigit() or before in CLOSERS):
            out[i - 1] = out[i - 1] + WORD_JOINER  # no line starts with an em dash
    if rules.space_before:
        for i, char in enumerate(text):
            if char in rules.space_before and i and not is_part_of_number_or_url(text, i):
                if text[i - 1] == " ":
                    out[i - 1] = rules.space_before_char
                elif LETTER.match(text[i - 1]) or text[i - 1] in "»’”)":
                    out[i] = rules.space_before_char + out[i]


def bind(out: list[str], i: int) -> None:
    """Make the space at ``i`` a no-break space (if it still is a space)."""
    if out[i] == " ":
        out[i] = NBSP


def is_part_of_number_or_url(text: str, i: int) -> bool:
    """True for the colon of 10:30 or of a scheme (``https:``)."""
    before, after = text[i - 1], text[i + 1] if i + 1 < len(text) else ""
    return (before.isdigit() and after.isdigit()) or after == "/"


# -- pandoc inlines -----------------------------------------------------------------

# Inlines whose children are part of the running text around them.
FLOWING = {"Emph": 0, "Strong": 0, "Underline": 0, "Strikeout": 0, "Superscript": 0,
           "Subscript": 0, "SmallCaps": 0, "Span": 1, "Link": 1, "Quoted": 1, "Cite": 1}
TEXT_BLOCKS = {"Para", "Plain"}


def looks_like_url(text: str) -> bool:
    return bool(re.match(r"(?:https?|ftp|mailto):|www\.", text))


def children(el: dict) -> list | None:
    """Return the child inlines of a flowing inline (None for atoms)."""
    index = FLOWING.get(el["t"])
    if index is None:
        return None
    if el["t"] == "Link" and looks_like_url(plain(el["c"][1])):
        return None  # a URL shown as itself is an atom
    return el["c"] if index == 0 else el["c"][index]


def plain(inlines: list) -> str:
    return "".join(el["c"] if el["t"] == "Str" else " " if el["t"] in ("Space", "SoftBreak")
                   else plain(children(el) or []) for el in inlines)


def flatten(inlines: list, cells: list[str]) -> None:
    """Append one character per text character of ``inlines`` (atoms as ``OBJECT``)."""
    for el in inlines:
        kind = el["t"]
        if kind == "Str":
            cells.extend(el["c"])
        elif kind in ("Space", "SoftBreak"):
            cells.append(" ")
        elif kind == "LineBreak":
            cells.append("\n")
        elif (inner := children(el)) is not None:
            flatten(inner, cells)
        else:
            cells.append(OBJECT)


def rebuild(inlines: list, outs, rules: Rules) -> list:
    """Return ``inlines`` with each character replaced by the next of ``outs``."""
    result: list = []
    for el in inlines:
        kind = el["t"]
        if kind == "Str":
            text = "".join(next(outs) for _ in el["c"])
            if text:
                result.append({"t": "Str", "c": text})
        elif kind in ("Space", "SoftBreak"):
            new = next(outs)
            if new == " ":
                result.append(el)
            elif new:
                result.append({"t": "Str", "c": new})
        elif kind == "LineBreak":
            next(outs)
            result.append(el)
        elif (inner := children(el)) is not None:
            new_inner = rebuild(inner, outs, rules)
            content = el["c"]
            index = FLOWING[kind]
            result.append({"t": kind, "c": new_inner if index == 0
                           else content[:index] + [new_inner] + content[index + 1:]})
        else:
            # The OBJECT, possibly with a space or joiner the rules put around it.
            before, _, after = next(outs).partition(OBJECT)
            result += [{"t": "Str", "c": before}] if before else []
            result.append(typeset_atom(el, rules))
            result += [{"t": "Str", "c": after}] if after else []
    return merge_strs(result)


def merge_strs(inlines: list) -> list:
    """Join neighbouring Str elements (pandoc writes them the same either way)."""
    merged: list = []
    for el in inlines:
        if el["t"] == "Str" and merged and merged[-1]["t"] == "Str":
            merged[-1] = {"t": "Str", "c": merged[-1]["c"] + el["c"]}
        else:
            merged.append(el)
    return merged


def typeset_atom(el: dict, rules: Rules) -> dict:
    """Typeset what lies inside an atom on its own: a note's blocks, an image's alt."""
    if el["t"] == "Note":
        return {"t": "Note", "c": typeset_blocks(el["c"], rules)}
    if el["t"] == "Image":
        attrs, alt, target = el["c"]
        return {"t": "Image", "c": [attrs, typeset_inlines(alt, rules), target]}
    return el


def typeset_inlines(inlines: list, rules: Rules) -> list:
    """Return a run of inlines (a paragraph's, a heading's) with typography applied."""
    cells: list[str] = []
    flatten(inlines, cells)
    return rebuild(inlines, iter(typeset_cells(cells, rules)), rules)


def typeset_blocks(blocks, rules: Rules):
    """Return pandoc blocks (any nesting) with typography applied to their text."""
    if isinstance(blocks, list):
        return [typeset_blocks(block, rules) for block in blocks]
    if not isinstance(blocks, dict) or "t" not in blocks:
        return blocks
    kind, content = blocks["t"], blocks.get("c")
    if kind in TEXT_BLOCKS:
        return {"t": kind, "c": typeset_inlines(content, rules)}
    if kind == "Header":
        level, attrs, inlines = content
        return {"t": kind, "c": [level, attrs, typeset_inlines(inlines, rules)]}
    if kind == "LineBlock":
        return {"t": kind, "c": [typeset_inlines(line, rules) for line in content]}
    if kind in ("CodeBlock", "RawBlock"):
        return blocks
    if kind == "DefinitionList":
        return {"t": kind, "c": [[typeset_inlines(term, rules), typeset_blocks(defs, rules)]
                                 for term, defs in content]}
    if content is None:
        return blocks
    return {"t": kind, "c": typeset_nested(content, rules)}


def typeset_nested(node, rules: Rules):
    """Walk containers (lists, tables, figures) down to their blocks."""
    if isinstance(node, list):
        return [typeset_nested(item, rules) for item in node]
    if isinstance(node, dict) and "t" in node:
        return typeset_blocks(node, rules)
    return node


# -- URLs ------------------------------------------------------------------------------

_SCHEME = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:(?://)?)")


def url_pieces(url: str) -> list[str]:
    """Return ``url`` cut where a line may break: after each ``.`` (the line breaker
    already breaks after ``/`` and ``-``), never inside the scheme or right after it.

    The first piece ends with a word joiner that holds the scheme to what follows.
    Nothing is added that a reader would see or copy: the caller joins the pieces with
    ``<wbr>``.

    >>> url_pieces("https://www.example.org/a-b.html")
    ['https://\u2060www.', 'example.', 'org/a-b.', 'html']
    """
    scheme = _SCHEME.match(url)
    head = scheme.group(0) if scheme else ""
    rest = url[len(head):]
    pieces = re.findall(r"[^.]*\.(?=.)|[^.]+$", rest) or [rest]
    if head:
        pieces[0] = head + WORD_JOINER + pieces[0]
    return [piece for piece in pieces if piece]


def break_urls(blocks, raw_format: str = "html"):
    """Return pandoc blocks with the break points of :func:`url_pieces` in every URL
    shown as a link's text (a ``<wbr>`` between pieces)."""
    if isinstance(blocks, list):
        return [break_urls(item, raw_format) for item in blocks]
    if not isinstance(blocks, dict) or "t" not in blocks:
        return blocks
    if blocks["t"] == "Link":
        attrs, inlines, target = blocks["c"]
        if len(inlines) == 1 and inlines[0]["t"] == "Str" and looks_like_url(inlines[0]["c"]):
            pieces = url_pieces(inlines[0]["c"])
            new: list = []
            for i, piece in enumerate(pieces):
                if i:
                    new.append({"t": "RawInline", "c": [raw_format, "<wbr/>"]})
                new.append({"t": "Str", "c": piece})
            return {"t": "Link", "c": [attrs, new, target]}
        return blocks
    if "c" not in blocks:
        return blocks
    return {"t": blocks["t"], "c": break_urls(blocks["c"], raw_format)}


# -- plain strings (metadata shown on the title page and in the colophon) -------------

def typeset_string(text: str, rules: Rules) -> str:
    """Return a metadata string typeset; ``<https://…>`` autolinks stay as they are.

    >>> typeset_string('Retrieved from <https://a.org/x-1-2> via "the wayback"', Rules())
    'Retrieved from <https://a.org/x-1-2> via “the wayback”'
    """
    pieces: list[str] = []
    urls: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        pieces.append(text[last:match.start()])
        urls.append(match.group(0))
        last = match.end()
    pieces.append(text[last:])
    typeset = typeset_text(OBJECT.join(pieces), rules).split(OBJECT)
    return "".join(piece + (urls[i] if i < len(urls) else "") for i, piece in enumerate(typeset))
