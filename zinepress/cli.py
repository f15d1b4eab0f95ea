"""Command line: parse arguments, run one command, turn a ZineError into one line.

``zinepress new DIR``, ``zinepress build [pdf|epub|colophon|zine|all]``, ``zinepress check``,
``zinepress impose IN.pdf -o OUT.pdf``. ``python build.py`` is the same command line;
with no command it builds every output.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from zinepress.errors import EXIT_USER_ERROR, ZineError

log = logging.getLogger("zinepress")


def parser() -> argparse.ArgumentParser:
    from zinepress.build.recipes import GROUPS, RECIPES
    top = argparse.ArgumentParser(prog="zinepress", description=__doc__.splitlines()[0])
    top.add_argument("--root", type=Path, default=Path.cwd(),
                     help="project folder (default: the current folder)")
    top.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    sub = top.add_subparsers(dest="command")
    # No command builds everything, like `make`: `python build.py` is `build all`.
    top.set_defaults(command="build", outputs=[], jobs=None)

    build = sub.add_parser("build", help="build outputs into build/")
    build.add_argument("outputs", nargs="*", metavar="OUTPUT",
                       help="one or more of: " + ", ".join([*GROUPS, *RECIPES]))
    build.add_argument("-j", "--jobs", type=positive_int, default=None,
                       help="outputs rendered at once (default: the number of cores)")

    new = sub.add_parser("new", help="start a new zine: a folder with metadata, a sample "
                                     "chapter and a Makefile")
    new.add_argument("folder", type=Path, metavar="DIR", help="the new project folder")
    new.add_argument("--title", help="the title (default: made from the folder name)")
    new.add_argument("--author", help="the author (default: 'Your Name')")
    new.add_argument("--lang", default="en", help="language as a BCP 47 tag (default: en)")
    new.add_argument("--license", default="anti-copyright",
                     help="licence (default: anti-copyright); see README, Metadata fields")

    check = sub.add_parser("check", help="check the sources without rendering")
    check.add_argument("--strict", action="store_true", help="make lint findings fatal")
    check.add_argument("--typography", nargs="*", type=Path, metavar="PDF",
                       help="instead, report the typography of built PDFs (default: the "
                            "reading PDFs in build/): straight quotes, hyphens, loose lines")

    impose = sub.add_parser("impose", help="impose any PDF as a saddle-stitched zine")
    impose.add_argument("input", type=Path)
    impose.add_argument("-o", "--output", type=Path, required=True)
    impose.add_argument("--paper", choices=["a4", "letter"], default="a4")
    impose.add_argument("--signature", type=positive_int, default=None, metavar="SHEETS",
                        help="sheets per folded gathering (default: one gathering)")
    impose.add_argument("--gathering", choices=["nested", "stacked"], default="nested",
                        help="nested: gatherings slid inside each other, stapled on one fold "
                             "(default); stacked: separate gatherings, side-stapled or sewn")
    impose.add_argument("--creep", type=parse_mm, default=0.0, metavar="THICKNESS",
                        help="paper thickness for creep compensation, e.g. 0.1mm")
    impose.add_argument("--marks", action="store_true", help="draw fold and crop marks")
    impose.add_argument("--duplex", choices=["short-edge", "manual"], default="short-edge")
    return top


def positive_int(text: str) -> int:
    """Return a whole number of at least 1, for argparse."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def parse_mm(text: str) -> float:
    """Return a length in millimetres from '0.1mm', '0.1' or '100um'."""
    value = text.strip().lower()
    scale = 1.0
    for unit, factor in (("mm", 1.0), ("um", 0.001), ("µm", 0.001), ("pt", 25.4 / 72)):
        if value.endswith(unit):
            value, scale = value[: -len(unit)], factor
            break
    try:
        return float(value) * scale
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a length: {text!r}") from None


def configure_logging(quiet: bool) -> None:
    """Send zinepress's own INFO lines (one per stage) to stderr; others stay quiet."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(logging.ERROR if quiet else logging.INFO)
    log.propagate = False
    logging.getLogger("fontTools").setLevel(logging.ERROR)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    configure_logging(quiet=args.quiet)
    try:
        return run(args)
    except ZineError as error:
        print(str(error), file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("zinepress: interrupted; previous outputs are untouched", file=sys.stderr)
        return 130


def run(args: argparse.Namespace) -> int:
    if args.command == "build":
        from zinepress.build.builder import build
        build(args.root, args.outputs or ["all"], jobs=args.jobs)
        return 0
    if args.command == "new":
        from zinepress.source.scaffold import new_project
        root = new_project(args.folder, title=args.title, author=args.author, lang=args.lang,
                           license=args.license)
        log.info("new zine in %s: edit source/metadata.yaml and source/01-start.md, "
                 "then run make there", root)
        return 0
    if args.command == "check" and args.typography is not None:
        from zinepress.check.typography import run_report
        return run_report(args.root, args.typography)
    if args.command == "check":
        from zinepress.check.run import run_check
        return run_check(args.root, strict=args.strict)
    if args.command == "impose":
        from zinepress.impose.booklet import impose_file
        result = impose_file(args.input, args.output, paper=args.paper,
                             signature_sheets=args.signature, gathering=args.gathering,
                             creep_mm=args.creep, marks=args.marks, duplex=args.duplex)
        log.info("imposed %s -> %s (%s)", args.input, args.output, result)
        return 0
    raise AssertionError(args.command)


if __name__ == "__main__":
    sys.exit(main())
