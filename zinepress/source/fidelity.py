"""Word-by-word fidelity check: the seed copy and ``source/`` in, a :class:`FidelityReport` out.

The seed is the damaged text extraction we recovered the essay from
(``source/original/``). The check proves that ``source/`` holds every word of
the seed's body exactly as often as the seed does, and no word the seed lacks
except the lacuna markers and the listed corrections::

    report = check_fidelity(Path("."))
    report.ok, len(report.missing), len(report.extra)   # (True, 0, 0) on the essay

Both sides are cut into *tokens*: whitespace-separated words with their
punctuation attached, so a changed quote mark, dash, accent or italic is a
different token. Before counting, each side is normalised only as follows.

Seed side
    1. The library's page furniture is dropped: the lines in
       :data:`FURNITURE_LINES`, each removed once, in order.
    2. Words split across a page break are joined, only for the pairs listed
       in :data:`SPLIT_WORDS` (``"con-"`` ending a line + ``"cluded"`` starting
       one gives ``"concluded"``); every other hyphen stays.
    3. Each correction in ``metadata.yaml`` with ``from``/``to`` replaces the
       first still-unreplaced run of whole tokens equal to ``from`` by ``to``;
       each ``kind: lacuna`` correction allows one :data:`LACUNA` marker.

Source side (the chapter files listed in ``metadata.yaml``, plus the metadata
fields in :data:`METADATA_FROM_SEED`, which hold the title page's retrieval line
and publication note)
    Markdown syntax that the seed does not have is taken away: ``#`` of a
    heading, ``>`` of a block quote, and footnote marks, which become the
    seed's superscripts (``[^1]:`` opening a note -> ``¹``, a call ``[^1]``
    -> ``¹`` glued to the word before it, so a call must stand exactly where
    the superscript stood), and the brackets of a language span
    (``[*poder popular*]{lang=es}`` -> ``*poder popular*``), which only says
    which language the words are in.

Both sides
    ``<`` and ``>`` around an autolink (``<https://…>``) are removed: the seed
    writes most URLs that way and two bare, so bracketing a bare URL is free.
    Italic asterisks are *not* removed: the seed already writes ``*…*``, so a
    lost or moved italic is a finding too.

Error codes (raised as :class:`~zinepress.errors.ZineError`, only for input the
check cannot use; word differences go into the report):

- Z601 the seed copy is missing or is not UTF-8 text
- Z602 ``metadata.yaml`` is missing, does not parse, or lacks ``chapters``
- Z603 a chapter file listed in ``metadata.yaml`` is missing or not UTF-8
- Z604 a line of :data:`FURNITURE_LINES` is not in the seed (wrong seed?)
- Z605 a pair of :data:`SPLIT_WORDS` is not at line ends of the seed
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zinepress.errors import ZineError
from zinepress.source.load import read_text
from zinepress.source.metadata import parse_yaml

SEED_PATH = Path("source/original/the-anarchist-library-create-two-three-many-parties-of-autonomy.txt")
METADATA_PATH = Path("source/metadata.yaml")
LACUNA = "[…]"
SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"

# The Anarchist Library's title page and Contents: not the authors' text. Their
# facts live in metadata.yaml (title, author, date); the Contents becomes the
# chapter list. Removed once each, in this order, from the top of the seed.
FURNITURE_LINES: tuple[str, ...] = (
    "The Anarchist Library",                         # library header
    "Anti-Copyright",                                # library's rights line -> metadata rights
    "Create Two, Three, Many Parties of Autonomy!",  # title page: title -> metadata title
    "Counterpower Communist Organization",           # title page: author -> metadata author
    "Counterpower Communist Organization",           # title page, second block: author
    "Create Two, Three, Many Parties of Autonomy!",  # title page, second block: title
    "2019",                                          # title page: year -> metadata date
    "Contents",                                      # table of contents -> metadata chapters
    "<i>Preface</i>\t5",
    "<i>Create Two, Three, Many Parties of Autonomy!</i>\t6",
    "<i>The Party as Fractal: Molar and Molecular Politics</i>\t9",
    "<i>Articulation and Fusion: Functions of the Party</i>\t13",
    "<i>A Party of Autonomy in Revolutionary Chile</i>\t20",
    "<i>The Role of Cadre: Collective Responsibility, Initiative, and Base-Building</i>\t26",
    "<i>Anatomy of the Party and the Development of Cadre</i>\t31",
    "<i>The Area of the Party</i>\t35",
)

# The seed's title-page lines kept as text in metadata.yaml: the retrieval line
# (``source``) and the publication-history note (``notes``) are compared word by
# word like the chapters.
METADATA_FROM_SEED: tuple[str, ...] = ("source", "notes")

# Words the extraction split across a page break, found by reading: (end of one
# seed line, start of the line that continues it in the true order). Only these
# are joined, so real hyphens ("world-historical", "1964-1973", and the seed's own
# "Marksist- Leninist") stay as they are.
SPLIT_WORDS: tuple[tuple[str, str], ...] = (
    ("revo-", "lutionary"),   # 03: "development of the revolutionary consciousness"
    ("opera-", "tion,"),      # 03: "At all scales of operation,"
    ("his-", "torical"),      # 04: "A few historical examples"
    ("guaran-", "teeing"),    # 04: "thus guaranteeing that close relations"
    ("spe-", "cific"),        # 05: "Each militant had a specific task"
    ("con-", "cluded"),       # 06: "Max Elbaum concluded"
    ("ob-", "jective"),       # 06: "this or that tactical objective"
    ("ro-", "tation"),        # 07: "an effective division of tasks, rotation"
    ("Move-", "ment"),        # 08: "People’s United Revolutionary Movement"
)

_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^\s<>]+)>")
_HEADING = re.compile(r"^#{1,6}[ \t]+")
_QUOTE = re.compile(r"^(?:>[ \t]?)+")
_NOTE_DEF = re.compile(r"^\[\^(\d+)\]:[ \t]+")
_NOTE_CALL = re.compile(r"\[\^(\d+)\]")
_LANG_SPAN = re.compile(r"\[([^\[\]]*)\]\{lang=[A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*\}")
_CONTEXT_TOKENS = 7


@dataclass(frozen=True)
class Token:
    """One word as it will be counted, with where it came from."""

    text: str
    where: str       # "source/03-the-party-as-fractal.md:5" or "seed:193"
    line: tuple[str, ...]  # all tokens of its line, for context
    index: int       # position in ``line``


@dataclass
class Finding:
    """A word the two sides hold a different number of times."""

    word: str
    count: int                      # how many more times one side has it
    seed_contexts: list[str] = field(default_factory=list)
    source_contexts: list[str] = field(default_factory=list)

    def format(self, side: str) -> str:
        lines = [f"{side} {self.word!r} x{self.count}"]
        lines += [f"    seed    {c}" for c in self.seed_contexts] or ["    seed    (nowhere)"]
        lines += [f"    source  {c}" for c in self.source_contexts] or ["    source  (nowhere)"]
        return "\n".join(lines)


@dataclass
class FidelityReport:
    """Result of :func:`check_fidelity`: words lost, words added, and other problems."""

    missing: list[Finding] = field(default_factory=list)   # in the seed, not (as often) in source/
    extra: list[Finding] = field(default_factory=list)     # in source/, not (as often) in the seed
    problems: list[str] = field(default_factory=list)      # corrections that do not apply, etc.
    seed_tokens: int = 0
    source_tokens: int = 0

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.problems)

    def format(self) -> str:
        """Return a readable report: one block per missing or extra word, with contexts."""
        head = (f"fidelity: {self.seed_tokens} seed words ('seed:N' = line N of {SEED_PATH}), "
                f"{self.source_tokens} source words; "
                f"{len(self.missing)} missing, {len(self.extra)} extra, "
                f"{len(self.problems)} other problems")
        parts = [head]
        parts += [f.format("MISSING") for f in self.missing]
        parts += [f.format("EXTRA") for f in self.extra]
        parts += [f"PROBLEM {p}" for p in self.problems]
        return "\n".join(parts)


def check_fidelity(root: Path) -> FidelityReport:
    """Return the word-by-word comparison of the seed body with ``source/`` under ``root``."""
    root = Path(root)
    metadata = _read_metadata(root)
    report = FidelityReport()

    seed_tokens = _seed_tokens(root)
    seed_tokens, allowed_lacunae = _apply_corrections(seed_tokens, metadata, root, report)
    source_tokens = _source_tokens(root, metadata)
    _check_lacunae(source_tokens, allowed_lacunae, report)
    # The allowed markers count as seed words; their placement is checked above.
    seed_tokens += [Token(LACUNA, f"{METADATA_PATH}: corrections (lacuna, {f})", (LACUNA,), 0)
                    for f in allowed_lacunae]

    report.seed_tokens, report.source_tokens = len(seed_tokens), len(source_tokens)
    seed_count = Counter(t.text for t in seed_tokens)
    source_count = Counter(t.text for t in source_tokens)
    seed_by_word, source_by_word = _index(seed_tokens), _index(source_tokens)
    seed_trigrams, source_trigrams = _trigrams(seed_tokens), _trigrams(source_tokens)
    for word in sorted(set(seed_count) | set(source_count)):
        diff = seed_count[word] - source_count[word]
        if diff == 0:
            continue
        # Show first the occurrences whose neighbours the other side lacks:
        # those are most likely the lost or added ones.
        seed_ctx = _contexts(seed_by_word[word], source_trigrams)
        source_ctx = _contexts(source_by_word[word], seed_trigrams)
        finding = Finding(word, abs(diff), seed_ctx, source_ctx)
        (report.missing if diff > 0 else report.extra).append(finding)
    return report


def _read_metadata(root: Path) -> dict[str, Any]:
    try:
        data, _ = parse_yaml(read_text(root / METADATA_PATH, str(METADATA_PATH)), METADATA_PATH)
    except ZineError as exc:
        raise ZineError(METADATA_PATH, exc.line, "Z602",
                        f"cannot read the metadata: {exc.message}") from None
    if not isinstance(data, dict) or not isinstance(data.get("chapters"), list):
        raise ZineError(METADATA_PATH, None, "Z602", "metadata has no 'chapters' list")
    return data


def _tokenize(text: str) -> list[str]:
    return _AUTOLINK.sub(r"\1", text).split()


def _line_tokens(words: list[str], where: str) -> list[Token]:
    line = tuple(words)
    return [Token(w, where, line, i) for i, w in enumerate(words)]


def _seed_tokens(root: Path) -> list[Token]:
    """Return the seed body's tokens: furniture dropped, listed split words joined."""
    try:
        text = read_text(root / SEED_PATH, str(SEED_PATH))
    except ZineError as exc:
        raise ZineError(SEED_PATH, exc.line, "Z601",
                        f"cannot read the seed copy: {exc.message}") from None
    lines = text.split("\n")
    keep = [True] * len(lines)
    start = 0
    for furniture in FURNITURE_LINES:
        for n in range(start, len(lines)):
            if keep[n] and lines[n] == furniture:
                keep[n], start = False, n + 1
                break
        else:
            raise ZineError(SEED_PATH, None, "Z604",
                            f"furniture line {furniture!r} not found in the seed",
                            hint="FURNITURE_LINES in zinepress/fidelity.py must match the seed")
    words = {n: _tokenize(lines[n]) for n in range(len(lines)) if keep[n]}

    joined: dict[int, str] = {}       # line number -> joined word replacing its last token
    dropped: set[int] = set()         # line numbers whose first token moved into a join
    for head, tail in SPLIT_WORDS:
        heads = [n for n, w in words.items() if w and w[-1] == head and n not in joined]
        tails = [n for n, w in words.items() if w and w[0] == tail and n not in dropped]
        if len(heads) != 1 or len(tails) != 1:
            raise ZineError(SEED_PATH, None, "Z605",
                            f"split word {head!r} + {tail!r} found {len(heads)} x at a line end "
                            f"and {len(tails)} x at a line start, expected once each",
                            hint="SPLIT_WORDS in zinepress/fidelity.py must match the seed")
        joined[heads[0]] = head[:-1] + tail
        dropped.add(tails[0])

    tokens: list[Token] = []
    for n, w in words.items():
        w = list(w)
        if n in joined:
            w[-1] = joined[n]
        if n in dropped:
            w = w[1:]
        tokens += _line_tokens(w, f"seed:{n + 1}")
    return tokens


def _apply_corrections(tokens: list[Token], metadata: dict, root: Path,
                       report: FidelityReport) -> tuple[list[Token], list[str]]:
    """Return the seed tokens with listed from/to corrections applied, and lacuna files."""
    lacunae: list[str] = []
    corrected: set[int] = set()       # ids of tokens a correction produced; never matched again
    corrections = metadata.get("corrections") or []
    for i, corr in enumerate(corrections):
        if not isinstance(corr, dict):
            report.problems.append(f"{METADATA_PATH}: corrections[{i}] is not a mapping")
            continue
        label = f"{METADATA_PATH}: corrections[{i}] ({corr.get('file')})"
        if corr.get("kind") == "lacuna":
            lacunae.append(str(corr.get("file")))
            continue
        if "from" not in corr and "to" not in corr:
            if corr.get("kind") == "emendation":
                report.problems.append(f"{label}: an emendation needs 'from' and 'to'")
            continue   # a summary note with no text change
        old, new = _tokenize(str(corr.get("from", ""))), _tokenize(str(corr.get("to", "")))
        if not old:
            report.problems.append(f"{label}: 'from' is empty; record additions as from/to "
                                   f"with a neighbouring word")
            continue
        at = _find_run(tokens, old, corrected)
        if at is None:
            report.problems.append(f"{label}: 'from' text {corr.get('from')!r} is not in the seed "
                                   f"(or every occurrence is already corrected)")
            continue
        where = tokens[at].where
        replacement = _line_tokens(new, f"{where} (corrected: {METADATA_PATH} corrections[{i}])")
        tokens = tokens[:at] + replacement + tokens[at + len(old):]
        corrected |= {id(t) for t in replacement}
        if not _file_contains(root, corr.get("file"), new):
            report.problems.append(f"{label}: 'to' text {corr.get('to')!r} is not in that file")
    return tokens, lacunae


def _find_run(tokens: list[Token], run: list[str], corrected: set[int]) -> int | None:
    for i in range(len(tokens) - len(run) + 1):
        window = tokens[i:i + len(run)]
        if ([t.text for t in window] == run
                and len({t.where for t in window}) == 1      # within one seed line
                and not any(id(t) in corrected for t in window)):
            return i
    return None


def _file_contains(root: Path, name: Any, words: list[str]) -> bool:
    if not words:
        return True
    path = root / "source" / str(name)
    try:
        text = " ".join(" ".join(_markdown_words(line)) for line in
                        read_text(path, str(path)).split("\n"))
    except ZineError:
        return False
    return f" {' '.join(words)} " in f" {text} "


def _superscript(number: str) -> str:
    return "".join(SUPERSCRIPT_DIGITS[int(d)] for d in number)


def _markdown_words(line: str) -> list[str]:
    """Return the words of one Markdown line with the syntax the seed lacks removed."""
    line = _HEADING.sub("", line)
    line = _QUOTE.sub("", line)
    line = _NOTE_DEF.sub(lambda m: _superscript(m.group(1)) + " ", line)
    line = _NOTE_CALL.sub(lambda m: _superscript(m.group(1)), line)
    line = _LANG_SPAN.sub(r"\1", line)
    return _tokenize(line)


def _source_tokens(root: Path, metadata: dict) -> list[Token]:
    tokens: list[Token] = []
    for key in METADATA_FROM_SEED:
        value = metadata.get(key)
        if isinstance(value, str):
            tokens += _line_tokens(_tokenize(value), f"{METADATA_PATH}: {key}")
    for i, chapter in enumerate(metadata["chapters"]):
        name = chapter.get("file") if isinstance(chapter, dict) else None
        rel = Path("source") / str(name)
        try:
            text = read_text(root / rel, rel.as_posix())
        except ZineError as exc:
            raise ZineError(METADATA_PATH, None, "Z603",
                            f"chapters[{i}]: cannot read {rel}: {exc.message}") from None
        for n, line in enumerate(text.split("\n"), start=1):
            tokens += _line_tokens(_markdown_words(line), f"{rel}:{n}")
    return tokens


def _check_lacunae(source_tokens: list[Token], allowed: list[str],
                   report: FidelityReport) -> None:
    """Report a lacuna marker in a file that has no lacuna correction naming it."""
    found = Counter(t.where.split(":")[0] for t in source_tokens if t.text == LACUNA)
    wanted = Counter(str(Path("source") / f) for f in allowed)
    for path in sorted(set(found) | set(wanted)):
        if found[path] != wanted[path]:
            report.problems.append(
                f"{path}: {found[path]} lacuna marker(s) {LACUNA} but {wanted[path]} "
                f"lacuna correction(s) in {METADATA_PATH} name this file")


def _index(tokens: list[Token]) -> dict[str, list[Token]]:
    by_word: dict[str, list[Token]] = defaultdict(list)
    for t in tokens:
        by_word[t.text].append(t)
    return by_word


def _neighbours(t: Token) -> tuple[str, str, str]:
    before = t.line[t.index - 1] if t.index > 0 else ""
    after = t.line[t.index + 1] if t.index + 1 < len(t.line) else ""
    return (before, t.text, after)


def _trigrams(tokens: list[Token]) -> set[tuple[str, str, str]]:
    return {_neighbours(t) for t in tokens}


def _contexts(occurrences: list[Token], other_trigrams: set, limit: int = 3) -> list[str]:
    ranked = sorted(occurrences, key=lambda t: _neighbours(t) in other_trigrams)
    lines = []
    for t in ranked[:limit]:
        lo, hi = max(0, t.index - _CONTEXT_TOKENS), t.index + _CONTEXT_TOKENS + 1
        words = list(t.line[lo:hi])
        words[t.index - lo] = f"»{t.text}«"
        pre = "… " if lo > 0 else ""
        post = " …" if hi < len(t.line) else ""
        lines.append(f"{t.where}: {pre}{' '.join(words)}{post}")
    if len(occurrences) > limit:
        lines.append(f"(and {len(occurrences) - limit} more)")
    return lines
