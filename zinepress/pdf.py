"""PDF stage: print HTML in, PDF bytes out (WeasyPrint).

WeasyPrint gets a URL fetcher that serves only ``file:`` URLs inside the project
folder and refuses everything else (http, https, ftp, files elsewhere), so a build
never reaches the network and never reads outside the project.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

import weasyprint
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from .errors import ZineError

PAGE_SIZES = {
    "a5": "148mm 210mm",
    "half-letter": "5.5in 8.5in",
}


class RefusedResource(FatalURLFetchingError):
    """A resource outside the project was asked for; stops the rendering."""


class ProjectFetcher(URLFetcher):
    """Serve ``file:`` URLs under ``root`` only; refuse every other URL.

    ``source`` names the file shown in the error (the template that asked).
    """

    def __init__(self, root: Path, source: str):
        super().__init__(fail_on_errors=True)
        self.root = Path(root).resolve()
        self.source = source
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                return super().fetch(url, headers)
            reason = "outside the project" if not path.is_relative_to(self.root) else "missing"
        else:
            reason = "not a project file"
        self.refused.append(url)
        raise RefusedResource(f"{url} is {reason}")


def quiet_weasyprint() -> None:
    """Silence WeasyPrint's warnings about CSS it ignores; errors still surface."""
    logging.getLogger("weasyprint").setLevel(logging.ERROR)


def render_pdf(html: str, root: Path, base_dir: Path, source: str) -> bytes:
    """Return the PDF bytes of ``html``; relative URLs resolve against ``base_dir``."""
    quiet_weasyprint()
    fetcher = ProjectFetcher(root, source)
    try:
        document = weasyprint.HTML(string=html, base_url=str(base_dir) + "/",
                                   url_fetcher=fetcher).render()
        return document.write_pdf(pdf_identifier=True)
    except FatalURLFetchingError:
        raise ZineError(source, None, "Z305",
                        f"refused to load {fetcher.refused[-1] if fetcher.refused else 'a resource'}"
                        " (only files inside the project are read)") from None
