"""zinepress: cleaned Markdown + one metadata file -> reading PDF, imposed zines, EPUB 3, colophon."""

__version__ = "0.1.0"
