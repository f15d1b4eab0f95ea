"""Muse preparation: a scanned ``.muse`` in, Muse that pandoc's reader gets right out.

pandoc's Muse reader loses some Text::Amuse constructs silently. Before it runs, each
is rewritten into something it keeps, which :mod:`zinepress.library.museast` turns
back into the intended pandoc element:

- ``<center>``, ``<right>`` and paragraphs indented 6–19 (centred) or 20+ (right)
  columns, ``<[fr]>`` language blocks, and note bodies that nothing calls become
  *sentinel paragraphs* around the content (private-use characters, so no text can
  collide with them) -> Div ``.center``, ``.right``, ``lang="fr"``, ``.orphan-note``;
- ``<[it]>…</[it]>``, ``<sc>``, ``<sf>`` inline -> sentinel characters -> Span/SmallCaps;
- ``** Short | Long`` -> ``** Long`` with the short title in a sentinel -> attribute
  ``short-title``;
- a ``[n]``/``{n}`` that is not a call (:func:`~zinepress.library.musescan.plan_notes`)
  -> ``<verbatim>[n]</verbatim>``, so pandoc neither drops nor links it.

Constructs with no equivalent (page breaks, comments, ``<literal>``, table footers)
are reported as :class:`~zinepress.library.musescan.Loss`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zinepress.library.musescan import (HEADING, LIST_ITEM, PAGE_BREAK, TABLE_ROW, Heading,
                                        Loss, Mark, NotePlan, Scan, block_tag, headings)

BLOCK_OPEN, BLOCK_CLOSE = "\ue000", "\ue001"
INLINE_OPEN, INLINE_MID, INLINE_CLOSE = "\ue002", "\ue003", "\ue004"
SHORT = "\ue006"
CENTER_INDENT, RIGHT_INDENT = 6, 20
CONTAINER_TAGS = {"center", "right", "quote", "biblio", "play"}
INLINE_TAGS = {"sc": "smallcaps", "sf": "sans"}
_INLINE_TAG = re.compile(r"<(/?)(\[[a-zA-Z-]+\]|sc|sf)>")
_FOOTER_ROW = re.compile(r"\s\|\|\|\s")


def block_sentinel(kind: str, line: int) -> list[str]:
    """Return the lines of an opening sentinel paragraph."""
    return ["", f"{BLOCK_OPEN}{kind}{BLOCK_OPEN}{line}", ""]


def inline_sentinel(kind: str, line: int) -> str:
    return f"{INLINE_OPEN}{kind}:{line}{INLINE_MID}"


def encode_short(text: str) -> str:
    """Return a short title as one space-free sentinel word (pandoc keeps it as one Str).

    >>> decode_short(encode_short("Short title")) == "Short title"
    True
    """
    return SHORT + text.encode("utf-8").hex() + SHORT


def decode_short(word: str) -> str:
    return bytes.fromhex(word.strip(SHORT)).decode("utf-8")


def fix_inline(line: str, literal: list[Mark], file_line: int) -> str:
    """Return the line with text marks made verbatim and inline tags made sentinels."""
    for mark in sorted(literal, key=lambda m: -m.start):
        line = f"{line[:mark.start]}<verbatim>{mark.label}</verbatim>{line[mark.end:]}"

    def tag(match: re.Match) -> str:
        if match.group(1):
            return INLINE_CLOSE
        name = match.group(2)
        kind = f"lang={name[1:-1]}" if name.startswith("[") else INLINE_TAGS[name]
        return inline_sentinel(kind, file_line)

    return _INLINE_TAG.sub(tag, line)


@dataclass
class Prepared:
    """The Muse text for pandoc and what could not be carried over."""

    text: str
    losses: list[Loss] = field(default_factory=list)


def alignment_paragraphs(result: Scan, plan: NotePlan) -> dict[int, tuple[str, int]]:
    """Return {first line: ("center"|"right", last line)} for indented paragraphs.

    Text::Amuse centres a paragraph indented 6 to 19 columns and sets one indented 20 or
    more flush right, unless it is a list item, a list item's continuation, a table
    row, a heading, or inside a block such as ``<quote>``.
    """
    notes = {i for body in [*result.bodies.values(), *result.extra_bodies]
             for i in range(body.first, body.last + 1)}
    found: dict[int, tuple[str, int]] = {}
    depth, list_indent, i = 0, None, 0
    lines, regions = result.lines, result.regions
    while i < len(lines):
        line = lines[i]
        if regions[i] != "text" or not line.strip() or i in notes:
            i += 1
            continue
        tag = block_tag(line)
        if tag is not None:
            if tag[1] in CONTAINER_TAGS or tag[1].startswith("["):
                depth = max(0, depth + (1 if tag[0] == "open" else -1))
            i += 1
            continue
        end = i
        while end + 1 < len(lines) and lines[end + 1].strip() and regions[end + 1] == "text" \
                and block_tag(lines[end + 1]) is None:
            end += 1
        indent = len(line) - len(line.lstrip(" "))
        item = LIST_ITEM.match(line)
        if item:
            list_indent = len(item.group(1))
        elif list_indent is not None and indent >= list_indent:
            pass
        else:
            list_indent = None
            if depth == 0 and indent >= CENTER_INDENT and not (
                    TABLE_ROW.search(line) or PAGE_BREAK.match(line) or HEADING.match(line)):
                found[i] = ("right" if indent >= RIGHT_INDENT else "center", end)
        i = end + 1
    return found


def prepare(result: Scan, plan: NotePlan) -> Prepared:
    """Return the body rewritten for pandoc's Muse reader, with the losses found on the way."""
    prepared = Prepared("")
    literal: dict[int, list[Mark]] = {}
    for mark in plan.literal:
        literal.setdefault(mark.index, []).append(mark)
    orphans = {body.first: body for body in plan.orphans}
    aligned = alignment_paragraphs(result, plan)
    heads = {h.index: h for h in headings(result)}
    closing: dict[int, list[str]] = {}
    skip: set[int] = set()
    out: list[str] = []
    fixed = [fix_inline(line, literal.get(i, []), result.file_line(i))
             if result.regions[i] in ("text", "verse") else line
             for i, line in enumerate(result.lines)]
    for i, line in enumerate(result.lines):
        out += closing.pop(i - 1, [])
        if i in skip:
            out.append("")
            continue
        region, where = result.regions[i], result.file_line(i)
        if region in ("comment", "literal"):
            _report_hidden(result, i, prepared.losses)
            out.append("")
            continue
        if region in ("example", "verbatim"):
            out.append(line)
            continue
        out += _text_line(result, i, fixed, prepared, heads, orphans, aligned, closing, skip)
    out += closing.pop(len(result.lines) - 1, [])
    prepared.text = "\n".join(out) + "\n"
    return prepared


def _text_line(result: Scan, i: int, fixed: list[str], prepared: Prepared,
               heads: dict[int, Heading], orphans: dict, aligned: dict,
               closing: dict[int, list[str]], skip: set[int]) -> list[str]:
    """Return the output lines for one text or verse line (block-level rewrites)."""
    where, line = result.file_line(i), fixed[i]
    if result.regions[i] == "verse":
        return [line]
    raw = result.lines[i]
    if PAGE_BREAK.match(raw):
        prepared.losses.append(Loss(where, "* * * * *", "page break dropped: the zine "
                                    "paginates itself"))
        return [""]
    tag = block_tag(raw)
    if tag is not None and (tag[1] in ("center", "right") or tag[1].startswith("[")):
        kind = tag[1] if not tag[1].startswith("[") else f"lang={tag[1][1:-1]}"
        return block_sentinel(kind, where) if tag[0] == "open" else ["", BLOCK_CLOSE, ""]
    if _FOOTER_ROW.search(raw):
        prepared.losses.append(Loss(where, " ".join(raw.split()), "table footer row: becomes the "
                                    "table's last row (Markdown tables have no footer)"))
    if i in heads and heads[i].short is not None:
        head = heads[i]
        if not HEADING.match(line).group(2).partition("|")[2].strip():
            skip.add(i + 1)
            rest = fixed[i + 1].strip()
        else:
            rest = line.partition("|")[2].strip()
        return ["*" * head.level + " " + rest + " " + encode_short(head.short)]
    opening: list[str] = []
    body = orphans.get(i)
    if body is not None:
        opening = block_sentinel("orphan-note", where)
        line = f"<verbatim>{body.label}</verbatim> {line[body.column:]}"
        closing.setdefault(body.last, []).extend(["", BLOCK_CLOSE, ""])
    if i in aligned:
        kind, last = aligned[i]
        opening = block_sentinel(kind, where)
        closing.setdefault(last, []).extend(["", BLOCK_CLOSE, ""])
    if _inside(i, orphans) or _inside(i, {k: v[1] for k, v in aligned.items()}):
        line = line.lstrip(" ")
    return opening + [line]


def _inside(i: int, spans: dict) -> bool:
    """Whether line ``i`` lies in one of the spans {first: last or object with .last}."""
    for first, last in spans.items():
        end = last if isinstance(last, int) else last.last
        if first <= i <= end:
            return True
    return False


def _report_hidden(result: Scan, i: int, losses: list[Loss]) -> None:
    """Report a comment or <literal> block once, at its first line."""
    region, line = result.regions[i], result.lines[i]
    if i > 0 and result.regions[i - 1] == region and not line.startswith(";"):
        return
    if line.startswith(";") and i > 0 and result.lines[i - 1].startswith(";"):
        return
    where = result.file_line(i)
    if region == "literal":
        losses.append(Loss(where, "<literal>", "raw output markup, not carried over"))
    elif line.startswith(";"):
        losses.append(Loss(where, "; comment", "not carried over (Text::Amuse does not "
                                               "publish comments either)"))
    else:
        losses.append(Loss(where, "<comment>", "not carried over (Text::Amuse does not "
                                               "publish comments either)"))
