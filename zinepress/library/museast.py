"""Muse AST repair: pandoc's AST of prepared Muse in, the AST the Muse meant out.

Pure functions on pandoc's JSON AST (dicts and lists). They undo the sentinels of
:mod:`zinepress.library.museprep` and fix what the Markdown writer cannot carry:

- sentinel paragraphs -> Divs (``.center``, ``.right``, ``lang``, ``.orphan-note``);
- sentinel characters -> Spans with ``lang``, SmallCaps, ``.sans``;
- the short-title sentinel of a heading -> its ``short-title`` attribute;
- a note inside a note (a secondary note called in a primary one) -> moved to follow
  the outer note's call, since Markdown notes cannot nest;
- images whose file is not beside the ``.muse`` -> their caption, as text.
"""

from __future__ import annotations

from zinepress.library.museprep import (BLOCK_CLOSE, BLOCK_OPEN, INLINE_CLOSE, INLINE_MID,
                                        INLINE_OPEN, SHORT, decode_short)
from zinepress.library.musescan import Loss

BLOCK_TYPES = {"Plain", "Para", "LineBlock", "CodeBlock", "RawBlock", "BlockQuote",
               "OrderedList", "BulletList", "DefinitionList", "Header", "HorizontalRule",
               "Table", "Figure", "Div"}
INLINE_TYPES = {"Str", "Emph", "Underline", "Strong", "Strikeout", "Superscript",
                "Subscript", "SmallCaps", "Quoted", "Cite", "Code", "Space", "SoftBreak",
                "LineBreak", "Math", "RawInline", "Link", "Image", "Note", "Span"}


def _kind_of(items: list, types: set[str]) -> bool:
    return bool(items) and all(isinstance(x, dict) and x.get("t") in types for x in items)


def map_lists(node, blocks_fn=None, inlines_fn=None):
    """Return ``node`` with every block list passed through ``blocks_fn`` and every inline
    list through ``inlines_fn`` (outer lists first, then what they contain)."""
    if isinstance(node, list):
        if blocks_fn and _kind_of(node, BLOCK_TYPES):
            node = blocks_fn(node)
        elif inlines_fn and _kind_of(node, INLINE_TYPES):
            node = inlines_fn(node)
        return [map_lists(item, blocks_fn, inlines_fn) for item in node]
    if isinstance(node, dict):
        return {key: map_lists(value, blocks_fn, inlines_fn) for key, value in node.items()}
    return node


def attr(ident: str = "", classes=(), pairs=()) -> list:
    return [ident, list(classes), [list(p) for p in pairs]]


def _sentinel(block: dict) -> tuple[str, str] | None:
    """Return ("open", kind) or ("close", "") for a sentinel paragraph, else None."""
    if block.get("t") != "Para" or len(block["c"]) != 1 or block["c"][0]["t"] != "Str":
        return None
    text = block["c"][0]["c"]
    if text == BLOCK_CLOSE:
        return ("close", "")
    if text.startswith(BLOCK_OPEN):
        return ("open", text.split(BLOCK_OPEN)[1])
    return None


def div_for(kind: str, content: list[dict]) -> dict:
    """Return the Div a sentinel kind stands for.

    >>> div_for("lang=fr", [])["c"][0], div_for("center", [])["c"][0]
    (['', [], [['lang', 'fr']]], ['', ['center'], []])
    """
    if kind.startswith("lang="):
        return {"t": "Div", "c": [attr(pairs=[("lang", kind[5:])]), content]}
    return {"t": "Div", "c": [attr(classes=[kind]), content]}


def sentinel_divs(blocks: list[dict]) -> list[dict]:
    """Return the blocks with each sentinel pair turned into a Div around what it held."""
    stack: list[list[dict]] = [[]]
    kinds: list[str] = []
    for block in blocks:
        found = _sentinel(block)
        if found is None:
            stack[-1].append(block)
        elif found[0] == "open":
            stack.append([])
            kinds.append(found[1])
        elif kinds:
            content = stack.pop()
            if content:
                stack[-1].append(div_for(kinds.pop(), content))
            else:
                kinds.pop()
    while kinds:
        content = stack.pop()
        if content:
            stack[-1].append(div_for(kinds.pop(), content))
        else:
            kinds.pop()
    return stack[0]


def _split_markers(inlines: list[dict]) -> list:
    """Return inlines with sentinel characters split out of Str as ("open", kind)/("close",)."""
    out: list = []
    for el in inlines:
        text = el["c"] if el["t"] == "Str" else None
        if text is None or not any(ch in text for ch in (INLINE_OPEN, INLINE_CLOSE)):
            out.append(el)
            continue
        pos = 0
        while pos < len(text):
            if text[pos] == INLINE_OPEN:
                end = text.index(INLINE_MID, pos)
                out.append(("open", text[pos + 1:end]))
                pos = end + 1
            elif text[pos] == INLINE_CLOSE:
                out.append(("close",))
                pos += 1
            else:
                nxt = min([i for i in (text.find(INLINE_OPEN, pos), text.find(INLINE_CLOSE, pos))
                           if i >= 0] or [len(text)])
                out.append({"t": "Str", "c": text[pos:nxt]})
                pos = nxt
    return out


def span_for(kind: str, content: list[dict]) -> dict:
    """Return the inline a sentinel kind stands for (``lang=it:12`` -> Span lang=it)."""
    name = kind.rsplit(":", 1)[0]
    if name.startswith("lang="):
        return {"t": "Span", "c": [attr(pairs=[("lang", name[5:])]), content]}
    if name == "smallcaps":
        return {"t": "SmallCaps", "c": content}
    return {"t": "Span", "c": [attr(classes=[name]), content]}


def sentinel_spans(inlines: list[dict], losses: list[Loss]) -> list[dict]:
    """Return the inlines with sentinel open/close pairs turned into spans.

    A switch opened inside other markup (``*<[it]>a* b</[it]>``) cannot close outside
    it: it ends with that markup, and the loss is reported.
    """
    parts = _split_markers(inlines)
    if not any(isinstance(p, tuple) for p in parts):
        return inlines
    stack: list[list[dict]] = [[]]
    kinds: list[str] = []
    for part in parts:
        if isinstance(part, dict):
            stack[-1].append(part)
        elif part[0] == "open":
            stack.append([])
            kinds.append(part[1])
        elif kinds:
            content = stack.pop()
            stack[-1].append(span_for(kinds.pop(), content))
        # a close with nothing open was opened in other markup; dropped (reported there)
    while kinds:
        kind = kinds.pop()
        losses.append(Loss(int(kind.rsplit(":", 1)[1]), "<" + _tag_name(kind) + ">",
                           "switch crosses other markup; applied up to that markup's end"))
        content = stack.pop()
        stack[-1].append(span_for(kind, content))
    return [el for el in stack[0] if not (el["t"] == "Str" and el["c"] == "")]


def _tag_name(kind: str) -> str:
    name = kind.rsplit(":", 1)[0]
    return f"[{name[5:]}]" if name.startswith("lang=") else {"smallcaps": "sc"}.get(name, "sf")


def short_titles(blocks: list[dict]) -> list[dict]:
    """Return the blocks with each heading's short-title sentinel made an attribute."""
    out = []
    for block in blocks:
        if block["t"] == "Header":
            level, (ident, classes, pairs), inlines = block["c"]
            shorts = [el for el in inlines if el["t"] == "Str" and el["c"].startswith(SHORT)]
            if shorts:
                inlines = [el for el in inlines if el not in shorts]
                while inlines and inlines[-1]["t"] in ("Space", "SoftBreak"):
                    inlines = inlines[:-1]
                pairs = pairs + [["short-title", decode_short(shorts[0]["c"])]]
            block = {"t": "Header", "c": [level, ["", classes, pairs], inlines]}
        out.append(block)
    return out


def _take_notes(node, found: list[dict]):
    """Return ``node`` without its Note elements (appended to ``found``, outer first)."""
    if isinstance(node, list):
        kept = []
        for item in node:
            if isinstance(item, dict) and item.get("t") == "Note":
                found.append(item)
                continue
            kept.append(_take_notes(item, found))
        return _tidy_spaces(kept)
    if isinstance(node, dict):
        return {key: _take_notes(value, found) for key, value in node.items()}
    return node


def _tidy_spaces(inlines: list) -> list:
    """Return inlines without the doubled or trailing Space a removed note leaves."""
    out: list = []
    for el in inlines:
        if isinstance(el, dict) and el.get("t") == "Space" and out and \
                isinstance(out[-1], dict) and out[-1].get("t") == "Space":
            continue
        out.append(el)
    return out


def unnest_notes(inlines: list[dict]) -> list[dict]:
    """Return inlines where a note inside a note follows the outer note's call instead."""
    if not any(el["t"] == "Note" for el in inlines):
        return inlines
    out: list[dict] = []
    for el in inlines:
        if el["t"] != "Note":
            out.append(el)
            continue
        inner: list[dict] = []
        body = _take_notes(el["c"], inner)
        out.append({"t": "Note", "c": body})
        out += [{"t": "Note", "c": _take_notes(note["c"], [])} for note in inner]
    return out


def missing_images(inlines: list[dict], present: frozenset[str], losses: list[Loss],
                   line_of) -> list[dict]:
    """Return inlines where an image with no file beside the ``.muse`` becomes its caption."""
    out = []
    for el in inlines:
        if el["t"] == "Image" and el["c"][2][0] not in present:
            target = el["c"][2][0]
            losses.append(Loss(line_of(target), f"[[{target}]]",
                               "image file not found beside the .muse; its caption kept as text"
                               if el["c"][1] else "image file not found beside the .muse; left out"))
            out += el["c"][1]
            continue
        out.append(el)
    return out


def repair(blocks: list[dict], present: frozenset[str], line_of) -> tuple[list[dict], list[Loss]]:
    """Return the repaired blocks and the losses met on the way."""
    losses: list[Loss] = []
    blocks = map_lists(blocks, blocks_fn=sentinel_divs)
    blocks = map_lists(blocks, inlines_fn=lambda ils: sentinel_spans(ils, losses))
    blocks = map_lists(blocks, blocks_fn=short_titles)
    blocks = map_lists(blocks, inlines_fn=unnest_notes)
    blocks = map_lists(blocks, inlines_fn=lambda ils: missing_images(ils, present, losses, line_of))
    return blocks, losses
