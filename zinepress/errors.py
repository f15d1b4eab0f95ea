"""The one user-error type of zinepress, and the table of every code it carries.

Every stage raises :class:`ZineError` for a problem a person can fix in their input;
only ``cli.main`` catches it, prints its one line and exits with code 2. Each code
means one thing, listed once in :data:`CODES` (like ``se lint``'s list of codes): the
README's list and the test that triggers every code both read this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

EXIT_USER_ERROR = 2

# code -> what it means. Z0 metadata, Z1 chapter files, Z2 footnotes, Z3 resources and
# safety, Z4 pandoc and templates, Z5 imposition, Z6 fidelity, Z7 library (import,
# catalogue), Z9 command line;
# L lint findings (warnings unless ``check --strict``).
CODES: dict[str, str] = {
    "Z000": "the metadata file source/metadata.yaml is missing",
    "Z001": "the metadata is not valid YAML",
    "Z002": "the metadata is not a mapping of field: value",
    "Z003": "an unknown metadata field or key",
    "Z004": "a required metadata field is missing",
    "Z005": "a metadata field has the wrong type or value",
    "Z006": "a correction lacks a key or has an unknown kind",
    "Z007": "a metadata key is given twice in one mapping",
    "Z008": "an unknown license (the message names the nearest known one)",
    "Z101": "a file cannot be read",
    "Z102": "a chapter is listed twice in the metadata",
    "Z103": "a Markdown file in source/ is not listed as a chapter",
    "Z104": "a chapter's heading differs from its metadata title",
    "Z105": "a chapter's '# Title' heading is missing, doubled or underlined",
    "Z106": "a chapter has a heading and nothing else",
    "Z107": "a file is not UTF-8 text",
    "Z108": "a file is larger than the limit",
    "Z109": "text stands before a chapter's heading",
    "Z110": "a chapter file named in the metadata does not exist",
    "Z111": "a lacuna marker […] is not recorded in the corrections",
    "Z112": "block quotes or lists are nested deeper than the limit",
    "Z130": "zinepress new: the folder exists and is not empty",
    "Z201": "a footnote is called but never defined",
    "Z202": "a footnote is defined but never called",
    "Z203": "a footnote is defined twice",
    "Z204": "a footnote is called twice",
    "Z205": "a footnote is defined in another file than its call",
    "Z301": "a path or symlink leads outside the project",
    "Z302": "raw HTML that could run or fetch something",
    "Z303": "a resource is given as a URL",
    "Z304": "a resource file does not exist",
    "Z305": "the typesetter was refused a resource outside the project",
    "Z306": "a font file named in the metadata is not a font",
    "Z307": "an image in a format not every output can carry",
    "Z401": "pandoc failed",
    "Z402": "a template does not compile",
    "Z403": "a template does not exist",
    "Z404": "a template uses a value the build does not provide",
    "Z405": "an EPUB template writes markup that is not well-formed XML",
    "Z501": "the input is not a readable PDF",
    "Z502": "the PDF needs a password to open",
    "Z503": "the PDF has no pages",
    "Z504": "the PDF has more pages than the limit",
    "Z505": "the PDF's pages are of different sizes",
    "Z506": "an unknown paper size",
    "Z507": "an impossible gathering: sheets per signature or gathering kind",
    "Z508": "an impossible duplex mode or creep",
    "Z509": "the imposed PDF cannot be written there",
    "Z510": "a separate cover is impossible: 4 pages or fewer",
    "Z511": "the PDF has more pages than the layout holds (a mini-zine holds 8)",
    "Z512": "creep would cut into a page's ink at the fold",
    "Z513": "a printer margin outside 0 to 25 mm",
    "Z514": "an imposition option the chosen layout does not use",
    "Z515": "an unknown imposition layout",
    "Z601": "the original copy cannot be read",
    "Z602": "the fidelity check cannot read the metadata",
    "Z603": "the fidelity check cannot read a chapter",
    "Z604": "a furniture line of the fidelity table is not in the original",
    "Z605": "a split word of the fidelity table is not at a line end of the original",
    "Z606": "source/original/ holds more than one original",
    "Z607": "the original's table (source/original/NAME.yaml) does not read or has the wrong shape",
    "Z610": "a word of the original is missing from source/",
    "Z611": "a word in source/ is not in the original",
    "Z612": "a correction does not match the original or its file",
    "Z701": "a Muse text to import has no #title",
    "Z702": "a Muse text to import cannot be read or is not UTF-8",
    "Z710": "a folder given to the catalogue is not a zinepress project",
    "Z711": "two texts of one catalogue have the same slug",
    "Z720": "a PDF the typography report should read is missing (build it first)",
    "Z900": "an unknown output name",
    "L101": "a reference entry that no citation uses",
    "L102": "a citation with no reference entry",
    "L201": "a straight double quote among curly ones",
    "L202": "a double space between words",
    "L203": "a space before punctuation",
    "L204": "a word still split at a former line break",
    "L301": "a character that no font of the project draws",
    "L401": "an italic phrase that looks like another language, with no lang",
}


@dataclass
class ZineError(Exception):
    """A problem in the input, located at ``path:line``.

    >>> str(ZineError("source/02-night.md", 14, "Z103", "chapter has no title"))
    'source/02-night.md:14: Z103 chapter has no title'
    """

    path: str | Path | None
    line: int | None
    code: str
    message: str
    hint: str | None = None

    def __post_init__(self) -> None:
        if self.code not in CODES:  # a programming error, caught by the test suite
            raise ValueError(f"error code {self.code} is not in zinepress.errors.CODES")
        super().__init__(str(self))

    def __reduce__(self):
        # Rebuild from the fields, so the error crosses process boundaries intact.
        return (type(self), (self.path, self.line, self.code, self.message, self.hint))

    def location(self) -> str:
        if self.path is None:
            return "zinepress"
        return f"{self.path}:{self.line}" if self.line else f"{self.path}"

    def __str__(self) -> str:
        text = f"{self.location()}: {self.code} {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class ZineErrors(ZineError):
    """Several input problems found in one pass; prints one line each."""

    def __init__(self, errors: list[ZineError]):
        self.errors = errors
        first = errors[0]
        super().__init__(first.path, first.line, first.code, first.message, first.hint)

    def __reduce__(self):
        return (type(self), (self.errors,))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)
