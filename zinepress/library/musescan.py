"""Muse scanning: the text of a ``.muse`` file in, its header, regions and notes out.

Pure Python, no pandoc. Text::Amuse (The Anarchist Library's markup) is read line by
line, the way Text::Amuse reads it, to decide what pandoc's Muse reader decides
differently or not at all:

- the header: ``#name value`` lines at the top, a value continued on following lines
  until a blank line (pandoc would keep every directive as a metadata key);
- regions: ``<example>``, ``{{{ }}}``, ``<comment>``, ``<literal>``, ``<verse>`` and
  ``;`` comment lines, so nothing inside a literal block is taken for markup;
- notes: a body is a line starting ``[n]`` (primary) or ``{n}`` (secondary) in column
  one, continued by the following lines and by later paragraphs indented at least to
  its text; a ``[n]`` or ``{n}`` in the text is a *mark*. :func:`plan_notes` says which
  marks are calls, following Text::Amuse: a mark is a call of the first note body of
  that kind and number; a primary mark inside a note body is text;
- headings ``*`` to ``*****``, with Text::Amuse's ``** Short | Long`` form, and which
  level holds the chapters (:func:`chapter_level`).

Line numbers are 1-based lines of the whole file, so a loss report can name them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DIRECTIVE = re.compile(r"^#([A-Za-z0-9]+)(?:\s+(.*\S))?\s*$")
HEADING = re.compile(r"^(\*{1,5})\s+(\S.*)$")
NOTE_BODY = re.compile(r"^(?:\[(\d+)\]|\{(\d+)\})(?:\s+|$)")
MARK = re.compile(r"\[(\d+)\]|\{(\d+)\}")
# Spans in which a [n] is never a mark: verbatim, code, =monospace=, [[links]].
PROTECTED = re.compile(r"<verbatim>.*?</verbatim>|<code>.*?</code>|\[\[.*?\]\]"
                       r"|(?<![\w=])=(?=\S)[^=]*?(?<=\S)=(?![\w=])")
PAGE_BREAK = re.compile(r"^\s{6,}\*\s+\*\s+\*\s+\*\s+\*\s*$")
LIST_ITEM = re.compile(r"^(\s+)(?:-|\d+\.|[a-zA-Z]\.|[ivxlcdmIVXLCDM]+\.)\s+\S")
TABLE_ROW = re.compile(r"\s\|{1,3}\s|^\s*\|\+.*\+\|\s*$")
BLOCKS = {"example": "example", "comment": "comment", "literal": "literal", "verse": "verse"}
CENTER_INDENT, RIGHT_INDENT = 6, 20


@dataclass(frozen=True)
class Directive:
    """One header line: ``#SORTtopics anarchism, zines`` at line 3."""

    name: str
    value: str
    line: int


@dataclass(frozen=True)
class NoteBody:
    """A note's text: kind ``[`` (primary) or ``{`` (secondary), number, body lines."""

    kind: str
    number: int
    first: int    # index into Scan.lines
    last: int     # inclusive
    column: int   # where its text starts on the first line

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.number)

    @property
    def label(self) -> str:
        return f"[{self.number}]" if self.kind == "[" else f"{{{self.number}}}"


@dataclass(frozen=True)
class Mark:
    """A ``[n]`` or ``{n}`` in the text: where it is and which note body holds it."""

    kind: str
    number: int
    index: int    # into Scan.lines
    start: int
    end: int
    inside: NoteBody | None

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.number)

    @property
    def label(self) -> str:
        return f"[{self.number}]" if self.kind == "[" else f"{{{self.number}}}"


@dataclass
class Scan:
    """What :func:`scan` found: header, body lines with their region, notes, marks."""

    directives: list[Directive]
    lines: list[str]
    first_line: int                  # file line number of lines[0]
    regions: list[str]               # per line: text, verse, example, verbatim, comment, literal
    bodies: dict[tuple[str, int], NoteBody] = field(default_factory=dict)
    extra_bodies: list[NoteBody] = field(default_factory=list)  # a number defined again
    marks: list[Mark] = field(default_factory=list)

    def file_line(self, index: int) -> int:
        return self.first_line + index

    def body_of(self, index: int) -> NoteBody | None:
        for body in [*self.bodies.values(), *self.extra_bodies]:
            if body.first <= index <= body.last:
                return body
        return None


def normalise_lines(text: str) -> list[str]:
    """Return the lines as Text::Amuse reads them: LF, tabs as 4 spaces, no trailing blanks.

    >>> normalise_lines("a\\tb  \\r\\nc")
    ['a    b', 'c']
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return [line.replace("\t", "    ").rstrip() for line in text.split("\n")]


def split_header(lines: list[str]) -> tuple[list[Directive], int]:
    """Return the header directives and the index of the first body line.

    >>> split_header(["#title A", "  long", "#lang en", "", "Body"])
    ([Directive(name='title', value='A long', line=1), Directive(name='lang', value='en', line=3)], 4)
    """
    directives: list[Directive] = []
    last = None
    for i, line in enumerate(lines):
        if not line.strip():
            last = None
            continue
        match = DIRECTIVE.match(line)
        if match:
            last = Directive(match.group(1), match.group(2) or "", i + 1)
            directives.append(last)
        elif last is not None:
            directives[-1] = last = Directive(last.name, f"{last.value} {line.strip()}".strip(),
                                              last.line)
        else:
            return directives, i
    return directives, len(lines)


def block_tag(line: str) -> tuple[str, str] | None:
    """Return ("open"|"close", name) when the line is only a block tag such as ``<verse>``.

    >>> block_tag("<verse>"), block_tag(" </[fr]> "), block_tag("<literal style='html'>")
    (('open', 'verse'), ('close', '[fr]'), ('open', 'literal'))
    """
    match = re.match(r"^\s*<(/?)(\[[a-zA-Z-]+\]|[a-z]+)(?:\s[^>]*)?>\s*$", line)
    if not match:
        return None
    return ("close" if match.group(1) else "open", match.group(2))


def classify_regions(lines: list[str]) -> list[str]:
    """Return, for every line, the region it is in (tags included in their region)."""
    regions = []
    state = "text"
    for line in lines:
        tag = block_tag(line)
        if state == "text":
            if line == "{{{":
                state = "verbatim"
                regions.append("verbatim")
                continue
            if tag and tag[0] == "open" and tag[1] in BLOCKS:
                state = BLOCKS[tag[1]]
                regions.append(state)
                continue
            regions.append("comment" if re.match(r"^;(\s|$)", line) else "text")
            continue
        regions.append(state)
        closing = (state == "verbatim" and line == "}}}") or \
                  (tag is not None and tag[0] == "close" and BLOCKS.get(tag[1]) == state)
        if closing:
            state = "text"
    return regions


def find_bodies(lines: list[str], regions: list[str]) -> tuple[dict, list[NoteBody]]:
    """Return the note bodies by (kind, number), and any later body of a number seen before."""
    bodies: dict[tuple[str, int], NoteBody] = {}
    extra: list[NoteBody] = []
    i = 0
    while i < len(lines):
        match = NOTE_BODY.match(lines[i]) if regions[i] == "text" else None
        if not match:
            i += 1
            continue
        kind = "[" if match.group(1) else "{"
        body = NoteBody(kind, int(match.group(1) or match.group(2)), i,
                        body_end(lines, regions, i, match.end()), match.end())
        (extra.append(body) if body.key in bodies else bodies.__setitem__(body.key, body))
        i = body.last + 1
    return bodies, extra


def body_end(lines: list[str], regions: list[str], first: int, column: int) -> int:
    """Return the last line of the note body starting at ``first``."""
    last = first
    i = first + 1
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        follows = i == last + 1
        indent = len(line) - len(line.lstrip(" "))
        if regions[i] != "text" or NOTE_BODY.match(line) or HEADING.match(line):
            break
        if follows or indent >= max(column, 2):
            last = i
            i += 1
            continue
        break
    return last


def find_marks(lines: list[str], regions: list[str], scan: Scan) -> list[Mark]:
    """Return every ``[n]``/``{n}`` in text and verse, in document order."""
    marks = []
    for i, line in enumerate(lines):
        if regions[i] not in ("text", "verse"):
            continue
        body = scan.body_of(i)
        start = body.column if body is not None and i == body.first else 0
        heading = HEADING.match(line) if regions[i] == "text" else None
        if heading and "|" in heading.group(2):
            start = max(start, line.index("|"))   # marks of a short title are not marks
        hidden = [m.span() for m in PROTECTED.finditer(line)]
        for match in MARK.finditer(line, start):
            if any(a <= match.start() < b for a, b in hidden):
                continue
            kind = "[" if match.group(1) else "{"
            marks.append(Mark(kind, int(match.group(1) or match.group(2)), i,
                              match.start(), match.end(), body))
    return marks


def scan(text: str) -> Scan:
    """Return the :class:`Scan` of a whole ``.muse`` text."""
    lines = normalise_lines(text)
    directives, start = split_header(lines)
    body = lines[start:]
    regions = classify_regions(body)
    result = Scan(directives, body, start + 1, regions)
    result.bodies, result.extra_bodies = find_bodies(body, regions)
    result.marks = find_marks(body, regions, result)
    return result


@dataclass(frozen=True)
class Heading:
    """A heading line: its level (stars), text (the long form) and short form, if any."""

    index: int
    level: int
    text: str
    short: str | None


def headings(result: Scan) -> list[Heading]:
    """Return every heading of the body (not inside notes or literal regions)."""
    found = []
    for i, line in enumerate(result.lines):
        match = HEADING.match(line) if result.regions[i] == "text" else None
        if match and result.body_of(i) is None:
            short, bar, long = match.group(2).partition("|")
            if bar and not long.strip() and i + 1 < len(result.lines):
                long = result.lines[i + 1].strip()   # "*** Short |" + the long title below
            found.append(Heading(i, len(match.group(1)), (long if bar else short).strip(),
                                 MARK.sub("", short).strip() if bar else None))
    return found


def chapter_level(found: list[Heading]) -> int:
    """Return the heading level that holds the chapters, or 0 for a one-chapter text.

    The chapters are the shallowest level used at least twice (``*`` parts in a long
    book, ``**`` in most library texts); with fewer headings the text is one chapter.

    >>> chapter_level([Heading(0, 2, "a", None), Heading(9, 2, "b", None), Heading(20, 3, "c", None)])
    2
    >>> chapter_level([Heading(0, 1, "a", None), Heading(5, 2, "b", None)])
    0
    """
    for level in range(1, 6):
        if sum(1 for h in found if h.level == level) >= 2:
            return level
    return 0


@dataclass(frozen=True)
class Loss:
    """A construct of the Muse source that the import could not carry over as it was."""

    line: int
    construct: str   # as written in the source: "#cover cover.jpg", "[3]", "<literal>"
    outcome: str     # what became of it

    def format(self, path: str) -> str:
        return f"{path}:{self.line}: {self.construct}: {self.outcome}"


@dataclass
class NotePlan:
    """Which marks are note calls, which stay text, and what became of the rest."""

    calls: set[tuple[int, int]] = field(default_factory=set)   # (line index, column)
    literal: list[Mark] = field(default_factory=list)
    moved: list[Mark] = field(default_factory=list)
    orphans: list[NoteBody] = field(default_factory=list)
    losses: list[Loss] = field(default_factory=list)

    def is_call(self, mark: Mark) -> bool:
        return (mark.index, mark.start) in self.calls


def plan_notes(result: Scan) -> NotePlan:
    """Decide every mark: a call of its note, or text (and then say why in ``losses``).

    Primary marks are decided first, so a secondary call inside a primary note that is
    never called (and so stays text) counts as a call from the text.
    """
    plan = NotePlan()
    called: set[tuple[str, int]] = set()
    for kind in ("[", "{"):
        for mark in (m for m in result.marks if m.kind == kind):
            inside = mark.inside if mark.inside is None or mark.inside.key in called \
                or mark.inside.kind == "{" else None
            reason = _mark_reason(mark, inside, result, called)
            if reason is None:
                plan.calls.add((mark.index, mark.start))
                called.add(mark.key)
                if inside is not None:
                    plan.moved.append(mark)
                    plan.losses.append(Loss(result.file_line(mark.index), mark.label,
                                            f"secondary note called inside note {inside.label}; "
                                            f"its call now follows the call of {inside.label}"))
                continue
            plan.literal.append(mark)
            if reason:
                plan.losses.append(Loss(result.file_line(mark.index), mark.label, reason))
    for body in sorted([*result.bodies.values(), *result.extra_bodies], key=lambda b: b.first):
        if body.key not in called or body in result.extra_bodies:
            plan.orphans.append(body)
            again = " (its number was used before)" if body in result.extra_bodies else ""
            plan.losses.append(Loss(result.file_line(body.first), f"{body.label} note body",
                                    f"no call in the text{again}; kept as a paragraph where it stood"))
    return plan


def _mark_reason(mark: Mark, inside: NoteBody | None, result: Scan,
                 called: set[tuple[str, int]]) -> str | None:
    """Return None for a call, "" for text Text::Amuse also shows as text, else the loss."""
    if mark.kind == "[" and mark.inside is not None:
        return ""     # Text::Amuse: a [n] inside a note is text
    if mark.key not in result.bodies:
        return "refers to no note body; kept as text"
    if mark.key in called:
        return "note called a second time; this call kept as text"
    if inside is not None and (inside.kind == "{" or inside.key == mark.key):
        return "secondary note called inside a secondary note; kept as text"
    return None
