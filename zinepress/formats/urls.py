"""Project URLs: a project file in, the URL the typesetter sees for it out (and back).

WeasyPrint names an image inside the PDF after a hash of its URL, so an absolute
``file:`` URL would put the project's folder into the bytes: the same sources in
another folder or on another machine would give another PDF. The print HTML therefore
names project files by one fixed URL root, the same everywhere, and the URL fetcher of
:mod:`zinepress.formats.pdf` maps it back to the real folder::

    /home/ana/my-zine/source/img/map.png  <->  file:///zinepress-project/source/img/map.png
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, unquote, urlparse

PROJECT_URL = "file:///zinepress-project/"
_PREFIX = urlparse(PROJECT_URL).path


def project_url(root: Path, path: Path) -> str:
    """Return the fixed URL of ``path``, a file or folder inside the project at ``root``.

    >>> project_url(Path("/home/ana/zine"), Path("/home/ana/zine/source/a map.png"))
    'file:///zinepress-project/source/a%20map.png'
    >>> project_url(Path("/tmp/z"), Path("/tmp/z"))
    'file:///zinepress-project/'
    """
    rel = Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    return PROJECT_URL + ("" if rel == "." else quote(rel))


def real_path(root: Path, url: str) -> Path | None:
    """Return the file a project URL stands for, or None when ``url`` is not one.

    >>> real_path(Path("/home/ana/zine"), "file:///zinepress-project/source/a%20map.png")
    PosixPath('/home/ana/zine/source/a map.png')
    """
    parsed = urlparse(url)
    if parsed.scheme != "file" or not parsed.path.startswith(_PREFIX):
        return None
    return Path(root) / unquote(parsed.path[len(_PREFIX):])
