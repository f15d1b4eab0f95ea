"""Command line: parse arguments, run one command, turn a ZineError into one line.

``zinepress new DIR``, ``zinepress build [pdf|epub|colophon|zine|all]``, ``zinepress check``,
``zinepress impose IN.pdf -o OUT.pdf``, ``zinepress import TEXT.muse DIR``,
``zinepress catalog DIR… -o SITE/``. ``python build.py`` is the same command line;
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

    impose = sub.add_parser("impose", help="impose any PDF for printing: a zine, a mini-zine, "
                                           "quarter-size zines")
    impose.add_argument("input", type=Path)
    impose.add_argument("-o", "--output", type=Path, required=True,
                        help="the print file (with --cover-separate: OUT-cover.pdf and OUT-inside.pdf)")
    impose.add_argument("--layout", choices=["saddle", "minizine", "quarter"], default="saddle",
                        help="saddle: 2 pages per side, folded and stapled (default); minizine: "
                             "8 pages on one side of one sheet, folded and cut; quarter: 4 pages "
                             "per side, two copies per sheet, cut across")
    impose.add_argument("--paper", choices=["a4", "letter"], default="a4")
    impose.add_argument("--signature", type=positive_int, default=None, metavar="SHEETS",
                        help="sheets per folded gathering (default: one gathering up to 16 "
                             "sheets, signatures of 4 beyond)")
    impose.add_argument("--gathering", choices=["nested", "stacked"], default=None,
                        help="nested: gatherings slid inside each other, stapled on one fold; "
                             "stacked: separate signatures, sewn or glued")
    impose.add_argument("--duplex", choices=["short-edge", "long-edge", "manual"], default=None,
                        help="the printer's two-sided setting (default: the one that needs no "
                             "rotation: short-edge for saddle, long-edge for quarter); manual: "
                             "fronts, then the backs in both orders")
    impose.add_argument("--creep", type=length, default=None, metavar="THICKNESS",
                        help="paper thickness for creep compensation, e.g. 0.1mm (mm, pt, in, µm)")
    impose.add_argument("--margin", type=length, default=None, metavar="LENGTH",
                        help="the printer's unprintable margin, e.g. 5mm: pages are scaled to fit")
    impose.add_argument("--marks", action="store_true", help="draw fold, cut and crop marks")
    impose.add_argument("--cover-separate", action="store_true",
                        help="the cover sheet in its own file, for cover stock")
    impose.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    catalog = sub.add_parser("catalog", help="build many projects and write a catalogue site "
                                             "with OPDS feeds")
    catalog.add_argument("projects", nargs="+", type=Path, metavar="DIR")
    catalog.add_argument("-o", "--output", type=Path, required=True, metavar="SITE")
    catalog.add_argument("-j", "--jobs", type=positive_int, default=None,
                         help="outputs rendered at once, across all projects (default: cores)")
    catalog.add_argument("--lang", default="en", help="language of the catalogue's own words")
    catalog.add_argument("--title", default=None,
                         help="the catalogue's name (default: the language table's)")

    imp = sub.add_parser("import", help="make a new project from a Muse (.muse) text")
    imp.add_argument("muse", type=Path, metavar="TEXT.muse")
    imp.add_argument("dest", type=Path, metavar="DIR", help="the new project folder")
    return top


def positive_int(text: str) -> int:
    """Return a whole number of at least 1, for argparse."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def length(text: str) -> float:
    """Return a length in points from '0.1mm', '0.1in', '2pt' or '100µm', for argparse."""
    from zinepress.impose.options import LengthError, parse_length
    try:
        return parse_length(text)
    except LengthError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


LENGTH_OPTIONS = ("--creep", "--margin")


def join_negative_lengths(argv: list[str]) -> list[str]:
    """Return ``argv`` with ``--creep -1mm`` joined as ``--creep=-1mm``.

    argparse would otherwise take "-1mm" for an option and say "expected one argument";
    joined, the length check says what is wrong.

    >>> join_negative_lengths(["impose", "a.pdf", "--creep", "-0.1mm", "--marks"])
    ['impose', 'a.pdf', '--creep=-0.1mm', '--marks']
    """
    out: list[str] = []
    for arg in argv:
        if out and out[-1] in LENGTH_OPTIONS and arg[:1] == "-" and (arg[1:2].isdigit() or arg[1:2] == "."):
            out[-1] = f"{out[-1]}={arg}"
        else:
            out.append(arg)
    return out


def configure_logging(quiet: bool) -> None:
    """Send zinepress's own INFO lines (one per stage) to stderr; others stay quiet."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(logging.ERROR if quiet else logging.INFO)
    log.propagate = False
    logging.getLogger("fontTools").setLevel(logging.ERROR)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(join_negative_lengths(sys.argv[1:] if argv is None else argv))
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
        return impose(args)
    if args.command == "catalog":
        from zinepress.library.catalog import make_catalog
        make_catalog(args.projects, args.output, jobs=args.jobs, lang=args.lang,
                     title=args.title)
        return 0
    if args.command == "import":
        from zinepress.library.importer import import_muse
        imported = import_muse(args.muse, args.dest)
        for line in imported.report:
            print(line)
        log.info("imported %s -> %s: %d chapters, %d constructs not carried over (listed above)",
                 args.muse, args.dest, len(imported.conversion.chapters), len(imported.report))
        return 0
    raise AssertionError(args.command)


def impose(args: argparse.Namespace) -> int:
    """Impose ``args.input``; write the file(s); print one line (or JSON) and the warnings."""
    import json

    from zinepress.build.output import write_atomic
    from zinepress.impose.booklet import impose_pdf
    from zinepress.impose.options import ImposeOptions
    given = {name for name in ("signature", "gathering", "duplex", "creep", "cover-separate")
             if getattr(args, name.replace("-", "_")) not in (None, False)}
    options = ImposeOptions(
        layout=args.layout, paper=args.paper, signature_sheets=args.signature,
        gathering=args.gathering, duplex=args.duplex, creep_pt=args.creep or 0.0,
        margin_pt=args.margin or 0.0, marks=args.marks, cover_separate=args.cover_separate,
        given=frozenset(given))
    source, out = Path(args.input), Path(args.output)
    names = {"": out, "cover": out.with_name(f"{out.stem}-cover{out.suffix}"),
             "inside": out.with_name(f"{out.stem}-inside{out.suffix}")}
    try:
        data = source.read_bytes()
    except OSError as error:
        raise ZineError(source, None, "Z501", f"cannot read ({error.strerror or error})") from None
    if not out.parent.is_dir():
        raise ZineError(out, None, "Z509", f"output folder {out.parent} does not exist")
    imposed = impose_pdf(data, options, name=str(source))
    for path in (names[key] for key in imposed.files):
        if path.exists() and path.resolve() == source.resolve():
            raise ZineError(path, None, "Z509", "output would overwrite the input PDF")
    for key, pdf in imposed.files.items():
        try:
            write_atomic(names[key], pdf)
        except OSError as error:
            raise ZineError(names[key], None, "Z509",
                            f"cannot write output ({error.strerror or error})") from None
    shown = {key: str(path) for key, path in names.items()}
    if args.json:
        print(json.dumps(imposed.as_json(shown), indent=2, ensure_ascii=False))
    elif not args.quiet:
        print(imposed.summary(shown))
    for warning in imposed.warnings:
        log.warning("warning: %s", warning)
    return 0


if __name__ == "__main__":
    sys.exit(main())
