"""Fidelity of an imported text: the ``.muse`` in ``source/original/`` and ``source/`` in,
a word-by-word :class:`~zinepress.source.fidelity.FidelityReport` out.

The essay's check (:mod:`zinepress.source.fidelity`) generalised to a Muse seed. Both
sides become *tokens*, whitespace-separated words with punctuation attached, after
taking away only the markup the other side writes differently:

Muse side (read here line by line, independently of pandoc's Muse reader, so a word
that reader drops is a finding)
    header directives that map to a compared field (title, subtitle, author, source,
    notes, teaser, LISTtitle) count as words of that field; heading stars, list
    markers, table bars, block tags, ``=``/``<code>``, inline tags, link brackets
    (a link counts as its text), ``~~`` and comments are taken away; ``<em>``/``<i>``
    count as ``*``, ``<strong>``/``<b>`` as ``**``, since Muse and Markdown both write
    emphasis with asterisks; chapter titles lose their emphasis (they are plain text).
Markdown side (pandoc's AST of the chapters, so escapes and syntax are undone)
    ``*…*`` around emphasis, ``**…**`` around strong; a heading's ``short-title``
    counts as words; metadata fields as above.
Both sides
    a note call becomes ``⁺`` glued to the word before it (a call that opens a block
    stands alone), and a note body starts with the token ``◦``. A secondary note
    called inside another note counts as glued to that note's call, where the
    import puts it; a mark that is not a call stays as written (``[3]``).

Corrections in ``metadata.yaml`` apply as in the essay's check; a correction with
``to`` and no ``from`` (a heading the import added) adds its words to the seed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from zinepress.convert.pandoc import READER, run_pandoc
from zinepress.errors import ZineError
from zinepress.library import musemeta, musescan
from zinepress.library.muse import chapter_heading_level
from zinepress.source import fidelity
from zinepress.source.fidelity import FidelityReport, Token

CALL, BODY = "⁺", "◦"
ORIGINAL = "source/original"
METADATA = "source/metadata.yaml"
_LINK = re.compile(r"\[\[([^\]]+)\](?:\[([^\]]*)\])?\]")
_IMAGE = re.compile(r"\.(png|jpe?g|gif|svg|webp)(\s+\d*\s*[lrf]?)?$", re.I)
_EM = re.compile(r"</?(em|i)>")
_STRONG = re.compile(r"</?(strong|b)>")
_DROPPED_TAGS = re.compile(r"</?(sup|sub|del|sc|sf|code|verbatim|\[[a-zA-Z-]+\])>")
_BR = re.compile(r"<br\s*/?>")
_MONO = re.compile(r"(?<![\w=])=(?=\S)([^=]*?)(?<=\S)=(?![\w=])")
_TABLE_BARS = re.compile(r"\|\+|\+\||(?<=\s)\|{1,3}(?=\s|$)|^\s*\|{1,3}(?=\s)")
_EMPHASIS = re.compile(r"(?<![\w*])\*{1,3}(?=\S)|(?<=\S)\*{1,3}(?![\w*])")
_SKIPPED_LINE = re.compile(r"^\s*(-{4,}|#[A-Za-z][\w-]*|<br>)\s*$")


def muse_seed(root: Path) -> Path | None:
    """Return the project's ``source/original/*.muse``, if it has exactly one."""
    found = sorted((Path(root) / ORIGINAL).glob("*.muse"))
    return found[0] if len(found) == 1 else None


class MuseWords:
    """The seed tokens of one Muse text."""

    def __init__(self, text: str, rel: str):
        self.rel = rel
        self.scan = musescan.scan(text)
        self.plan = musescan.plan_notes(self.scan)
        self.level = chapter_heading_level(self.scan)
        self.heads = {h.index: h for h in musescan.headings(self.scan)}
        self.calls_at: dict[int, dict[int, int]] = {}    # line -> {start: glued calls}
        self.dropped: dict[int, set[int]] = {}           # line -> starts of moved calls
        self._place_calls()

    def _place_calls(self) -> None:
        outer = {m.key: m for m in self.scan.marks if self.plan.is_call(m) and m.kind == "["}
        for mark in self.scan.marks:
            if not self.plan.is_call(mark):
                continue
            if mark in self.plan.moved:
                self.dropped.setdefault(mark.index, set()).add(mark.start)
                host = outer[mark.inside.key]
                at = self.calls_at.setdefault(host.index, {})
                at[host.start] = at.get(host.start, 1) + 1
            else:
                at = self.calls_at.setdefault(mark.index, {})
                at.setdefault(mark.start, 1)

    def tokens(self) -> list[Token]:
        out: list[Token] = []
        previous_blank = True
        for i, line in enumerate(self.scan.lines):
            text = self.line_text(i, line)
            where = f"{self.rel}:{self.scan.file_line(i)}"
            words = text.split()
            if words and words[0].startswith(CALL) and out and not previous_blank:
                glued = out[-1].text + CALL * (len(words[0]) - len(words[0].lstrip(CALL)))
                out[-1] = Token(glued, out[-1].where, out[-1].line, out[-1].index)
                words[0] = words[0].lstrip(CALL)
                words = [w for w in words if w]
            out += fidelity._line_tokens(words, where)
            previous_blank = not line.strip()
        return out

    def line_text(self, i: int, line: str) -> str:
        """Return one body line as words to count ('' for lines with none)."""
        region = self.scan.regions[i]
        if region in ("comment", "literal"):
            return ""
        if region in ("example", "verbatim"):
            return "" if musescan.block_tag(line) or line in ("{{{", "}}}") else line
        if musescan.block_tag(line) or musescan.PAGE_BREAK.match(line) \
                or _SKIPPED_LINE.match(line):
            return ""
        line = self._marks(i, line)
        body = next((b for b in self.plan.orphans if b.first == i), None)
        called = self.scan.body_of(i)
        if called is not None and called.first == i and body is None:
            line = BODY + " " + line[called.column:]
        if i in self.heads:
            return self._heading(self.heads[i], line)
        if any(h.short is not None and i == h.index + 1 and
               not musescan.HEADING.match(self.scan.lines[h.index]).group(2).partition("|")[2].strip()
               for h in self.heads.values()):
            return ""    # the long title of "*** Short |", counted with its heading
        if region == "verse" or line.lstrip().startswith(">"):
            line = re.sub(r"^\s*>\s?", "", line)
        item = musescan.LIST_ITEM.match(line)
        if item:
            line = line[item.end() - 1:]
        return inline_words(_TABLE_BARS.sub(" ", line))

    def _marks(self, i: int, line: str) -> str:
        """Replace the calls on a line by glued call signs, drop moved ones."""
        calls = self.calls_at.get(i, {})
        dropped = self.dropped.get(i, set())
        for mark in sorted((m for m in self.scan.marks if m.index == i), key=lambda m: -m.start):
            if mark.start in dropped:
                line = line[:mark.start].rstrip() + " " + line[mark.end:]
            elif mark.start in calls:
                line = line[:mark.start].rstrip() + CALL * calls[mark.start] + line[mark.end:]
        return line

    def _heading(self, head: musescan.Heading, line: str) -> str:
        text = musescan.HEADING.match(line).group(2) if musescan.HEADING.match(line) else line
        if head.short is not None:
            long = text.partition("|")[2].strip()
            if not long:
                long = self.scan.lines[head.index + 1].strip()
            text = f"{long} {head.short}"
        chapter = head.level <= self.level if self.level else False
        words = inline_words(text)
        if chapter:
            words = _EMPHASIS.sub("", words).replace(CALL, f" {CALL} ")
        return words

    def header_tokens(self) -> dict[str, list[Token]]:
        """Return the tokens of each compared field the header gives, by field name."""
        out: dict[str, list[Token]] = {}
        for directive in self.scan.directives:
            mapped = musemeta.HEADER_FIELDS.get(directive.name.lower())
            if mapped and mapped[0] in musemeta.COMPARED_FIELDS:
                words = fidelity._tokenize(musemeta.header_text(directive.value))
                out[mapped[0]] = fidelity._line_tokens(words, f"{self.rel}:{directive.line}")
        return out


def inline_words(line: str) -> str:
    """Return a Muse line with inline markup taken away (emphasis asterisks kept).

    >>> inline_words("a <em>b</em> =c= [[http://x.org][link text]] <[it]>d</[it]>~~e").split()
    ['a', '*b*', 'c', 'link', 'text', 'd', 'e']
    """
    def link(match: re.Match) -> str:
        target, text = match.group(1), match.group(2)
        if text is not None:
            return f" {text} "
        return "" if _IMAGE.search(target.strip()) else f" {target} "

    line = _LINK.sub(link, line)
    line = _EM.sub("*", line)
    line = _STRONG.sub("**", line)
    line = _BR.sub(" ", _DROPPED_TAGS.sub("", line))
    line = _MONO.sub(r"\1", line)
    return line.replace("~~", " ")


# -- the Markdown side -------------------------------------------------------------

def inline_text(inlines: list, notes: list) -> str:
    """Return inlines as the words the check counts; note bodies go to ``notes``."""
    out = ""
    for el in inlines:
        kind = el["t"]
        if kind == "Str":
            out += el["c"]
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            out += " "
        elif kind == "Emph":
            out += "*" + inline_text(el["c"], notes) + "*"
        elif kind == "Strong":
            out += "**" + inline_text(el["c"], notes) + "**"
        elif kind == "Note":
            notes.append(el["c"])
            out = out.rstrip() + CALL if out.strip() else out + CALL + " "
        elif kind == "Code":
            out += el["c"][1]
        elif kind in ("Link", "Image", "Span", "Quoted", "Cite"):
            out += inline_text(el["c"][1] if kind != "Cite" else el["c"][1], notes)
        elif kind in ("SmallCaps", "Superscript", "Subscript", "Strikeout", "Underline"):
            out += inline_text(el["c"], notes)
    return out


def block_texts(blocks: list, notes: list) -> list[str]:
    """Return one string of words per paragraph-like block, in reading order."""
    out: list[str] = []
    for block in blocks:
        kind, c = block["t"], block.get("c")
        if kind in ("Para", "Plain"):
            out.append(inline_text(c, notes))
        elif kind == "Header":
            short = dict(c[1][2]).get("short-title", "")
            out.append(f"{inline_text(c[2], notes)} {short}".strip())
        elif kind == "LineBlock":
            out += [inline_text(line, notes) for line in c]
        elif kind == "CodeBlock":
            out.append(c[1])
        elif kind in ("BlockQuote",):
            out += block_texts(c, notes)
        elif kind == "Div":
            out += block_texts(c[1], notes)
        elif kind in ("BulletList", "OrderedList"):
            for item in (c if kind == "BulletList" else c[1]):
                out += block_texts(item, notes)
        elif kind == "DefinitionList":
            for term, definitions in c:
                out.append(inline_text(term, notes))
                for definition in definitions:
                    out += block_texts(definition, notes)
        elif kind in ("Table", "Figure"):
            out += table_texts(block, notes)
    return out


def table_texts(block: dict, notes: list) -> list[str]:
    """Return the words of a table (caption, head, body and foot cells) or a figure."""
    c = block["c"]
    if block["t"] == "Figure":
        return block_texts(c[1][1], notes) + block_texts(c[2], notes)
    rows = list(c[3][1])
    for body in c[4]:
        rows += body[2] + body[3]
    rows += c[5][1]
    out = [text for cell_row in rows for cell in cell_row[1]
           for text in block_texts(cell[4], notes)]
    return block_texts(c[1][1], notes) + out


def markdown_tokens(root: Path) -> list[Token]:
    """Return the tokens of every chapter of the project, notes included."""
    from zinepress.source.load import load_book
    book = load_book(root)
    text = "\n\n".join(ch.text for ch in book.chapters)
    doc = json.loads(run_pandoc(text, "json", READER, ["--sandbox"]))
    tokens: list[Token] = []
    chapters = iter(book.chapters)
    chapter, blocks_of = None, []
    for block in doc["blocks"]:
        if block["t"] == "Header" and block["c"][0] == 1:
            chapter = next(chapters)
            blocks_of.append((chapter, []))
        blocks_of[-1][1].append(block)
    for chapter, blocks in blocks_of:
        tokens += _chapter_tokens(chapter, blocks)
    return tokens


def _chapter_tokens(chapter, blocks: list) -> list[Token]:
    notes: list = []
    texts = block_texts(blocks, notes)
    while notes:
        body = notes.pop(0)
        more: list = []
        found = block_texts(body, more)
        texts += [f"{BODY} {found[0]}" if found else BODY, *found[1:]]
        notes += more
    lines = chapter.text.split("\n")
    tokens: list[Token] = []
    at = 0
    for text in texts:
        words = text.split()
        if not words:
            continue
        at = _line_with(lines, words[0].strip("*" + CALL + BODY), at)
        tokens += fidelity._line_tokens(words, f"{chapter.rel}:{at + 1}")
    return tokens


def _line_with(lines: list[str], word: str, start: int) -> int:
    """Return the index of the first line from ``start`` holding ``word`` (for reports)."""
    for n in range(start, len(lines)):
        if word and word in lines[n]:
            return n
    return start


def check_muse_fidelity(root: Path) -> FidelityReport:
    """Return the word-by-word comparison of the project's ``.muse`` with ``source/``."""
    root = Path(root)
    seed = muse_seed(root)
    rel = seed.relative_to(root).as_posix()
    try:
        text = seed.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ZineError(rel, None, "Z601", f"cannot read the seed copy: {exc}") from None
    metadata = fidelity._read_metadata(root)
    report = FidelityReport(seed=rel)
    words = MuseWords(text, rel)
    header = words.header_tokens()
    seed_tokens = words.tokens() + [t for tokens in header.values() for t in tokens]
    corrections = metadata.get("corrections") or []
    additions = [c for c in corrections if isinstance(c, dict) and "to" in c and "from" not in c]
    kept = {**metadata, "corrections": [c for c in corrections if c not in additions]}
    seed_tokens, lacunae = fidelity._apply_corrections(seed_tokens, kept, root, report)
    for i, item in enumerate(additions):
        added = fidelity._tokenize(str(item["to"]))
        seed_tokens += fidelity._line_tokens(added, f"{METADATA}: corrections (added, {item.get('file')})")
        if not fidelity._file_contains(root, item.get("file"), added):
            report.problems.append(f"{METADATA}: added text {item['to']!r} is not in "
                                   f"{item.get('file')}")
    source_tokens = markdown_tokens(root)
    for name in header:
        value = metadata.get(name)
        if isinstance(value, str):
            source_tokens += fidelity._line_tokens(fidelity._tokenize(value), f"{METADATA}: {name}")
    fidelity._check_lacunae(source_tokens, lacunae, report)
    seed_tokens += [Token(fidelity.LACUNA, f"{METADATA}: corrections (lacuna, {f})",
                          (fidelity.LACUNA,), 0) for f in lacunae]
    return fidelity.compare_tokens(seed_tokens, source_tokens, report)
