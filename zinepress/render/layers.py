"""Template layers: a project folder in, the folders and files a template name resolves to out.

The default templates (Jinja templates, stylesheets, fonts, language tables) travel with
the package: the repository's top-level ``templates/`` is their home, and the package
reaches it as ``zinepress/templates`` (a link in the repository, real files in a wheel).
A project may have its own ``templates/`` holding only what it changes; a name is looked
up there first, then in the defaults, file by file::

    my-zine/templates/print.css      -> used instead of the default print.css
    (no my-zine/templates/fonts/)    -> the default fonts, even from the project's print.css

The same order serves Jinja (a loader chain), WeasyPrint's URL fetcher (a project URL
under ``templates/`` that has no file falls through to the default file), pandoc's
``--css`` and the manifest (which hashes the file actually used).
"""

from __future__ import annotations

from pathlib import Path

TEMPLATES_DIR = "templates"
DEFAULT_TEMPLATES = Path(__file__).resolve().parents[1] / TEMPLATES_DIR


def template_dirs(root: Path) -> list[Path]:
    """Return the folders a template name is looked up in, the project's own first."""
    own = (Path(root) / TEMPLATES_DIR).resolve()
    dirs = [own] if own.is_dir() else []
    default = DEFAULT_TEMPLATES.resolve()
    return dirs if default in dirs else dirs + [default]


def template_file(root: Path, name: str) -> Path | None:
    """Return the file that ``templates/name`` means for the project at ``root``, or None."""
    for folder in template_dirs(root):
        path = folder / name
        if path.is_file():
            return path
    return None


def template_names(root: Path, pattern: str) -> list[str]:
    """Return the names (relative to ``templates/``) matching ``pattern`` in any layer.

    >>> "fonts/fonts.css" in template_names(DEFAULT_TEMPLATES, "fonts/*")
    True
    """
    names = {p.relative_to(folder).as_posix() for folder in template_dirs(root)
             for p in folder.glob(pattern) if p.is_file()}
    return sorted(names)


def overlay_path(root: Path, path: Path) -> Path:
    """Return where a file under the project's ``templates/`` really is.

    A path under ``root/templates/`` with no file there means the default file of the
    same name; any other path is returned unchanged.
    """
    own = (Path(root) / TEMPLATES_DIR).resolve()
    path = Path(path)
    if path.is_relative_to(own) and not path.is_file():
        fallback = DEFAULT_TEMPLATES.resolve() / path.relative_to(own)
        if fallback.is_file():
            return fallback
    return path


def is_default_template(path: Path) -> bool:
    """Return True when ``path`` is one of the default templates shipped with zinepress."""
    return Path(path).resolve().is_relative_to(DEFAULT_TEMPLATES.resolve())
