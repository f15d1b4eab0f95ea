"""The ``zinepress check`` command: a project folder in, findings on stderr and an exit code out.

Runs the fatal checks of :mod:`zinepress.check.rules`, then the word-by-word fidelity
check against the original (:mod:`zinepress.source.fidelity`), then the linter
(:mod:`zinepress.check.lint`) and the glyph coverage (:mod:`zinepress.check.glyphs`),
without rendering anything.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

from zinepress.check.glyphs import missing_glyphs
from zinepress.check.lint import lint_book
from zinepress.check.rules import check_book
from zinepress.errors import ZineError, ZineErrors
from zinepress.source import fidelity
from zinepress.source.load import load_book

log = logging.getLogger("zinepress")


def fidelity_errors(root: Path) -> list[ZineError]:
    """Return one error per word lost or added against the seed copy (none without a seed)."""
    if not (Path(root) / fidelity.SEED_PATH).is_file():
        return []
    report = fidelity.check_fidelity(Path(root))
    errors = []
    for code, side, findings in (("Z610", "missing", report.missing),
                                 ("Z611", "extra", report.extra)):
        for finding in findings:
            contexts = finding.seed_contexts if side == "missing" else finding.source_contexts
            where, _, context = (contexts[0] if contexts else "").partition(": ")
            path, _, line = where.rpartition(":")
            if path == "seed":
                path = fidelity.SEED_PATH.as_posix()
            what = ("is in the seed copy but missing from source/" if side == "missing"
                    else "is in source/ but not in the seed copy")
            errors.append(ZineError(path or None, int(line) if line.isdigit() else None, code,
                                    f"word {finding.word!r} {what} (x{finding.count})",
                                    hint=context or None))
    errors += [ZineError(fidelity.METADATA_PATH.as_posix(), None, "Z612", problem)
               for problem in report.problems]
    return errors


def run_check(root: Path, strict: bool = False) -> int:
    """Run every source check without rendering; return the exit code.

    Source errors and fidelity failures are fatal (:class:`ZineErrors`, exit 2); lint
    findings are printed one line each to stderr and are fatal only when ``strict``.
    """
    started = time.perf_counter()
    book = load_book(root)
    errors = check_book(book) or fidelity_errors(book.root)
    if errors:
        raise errors[0] if len(errors) == 1 else ZineErrors(errors)
    findings = lint_book(book) + missing_glyphs(book)
    if findings and strict:
        raise findings[0] if len(findings) == 1 else ZineErrors(findings)
    for finding in findings:
        print(finding, file=sys.stderr)
    log.info(
        "check: %d chapters, metadata, order, footnotes, lacunae, resources ok; "
        "%d lint findings%s (%.2f s)", len(book.chapters), len(findings),
        " (not fatal; --strict makes them fatal)" if findings else "",
        time.perf_counter() - started)
    return 0
