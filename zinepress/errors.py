"""The one user-error type of zinepress.

Every stage raises :class:`ZineError` for a problem a person can fix in their input;
only ``cli.main`` catches it, prints its one line and exits with code 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

EXIT_USER_ERROR = 2


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
