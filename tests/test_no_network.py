"""No network and no reads outside the project, enforced in code (issue 7, item 2).

A loopback HTTP server counts every request it gets. Inputs that point at it (an image
in Markdown, a ``css`` entry in the metadata, ``@import`` and a font URL in a template
stylesheet, ``<img src>`` in the book and colophon templates) must each be refused with
one line, and the server must see **0 requests**. Two layers are tested separately, so
removing either one fails a test: the static check (``zinepress.check.rules``, before any
stage runs) and WeasyPrint's URL fetcher (``zinepress.formats.pdf.ProjectFetcher``), which is
fed hostile HTML directly. Metadata is escaped by Jinja in HTML and in the EPUB's XML.
"""

from __future__ import annotations

import http.server
import io
import threading
import zipfile
from pathlib import Path

import pikepdf
import pytest

from conftest import FIXTURES, copy_project
from pdfread import page_texts
from test_bad_input import LINE, edit, line_of, run_cli, snapshot

from zinepress.formats import pdf
from zinepress.render import templates as render
from zinepress.errors import ZineError


class CountingHandler(http.server.BaseHTTPRequestHandler):
    """Answers anything with a tiny body and records the request line."""

    def _answer(self) -> None:
        self.server.requests.append(self.requestline)
        body = b"p { color: red }"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_HEAD = do_POST = _answer

    def log_message(self, *args) -> None:  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def httpd():
    """A loopback HTTP server on a free port, for the whole module."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def server(httpd):
    """Yield the server's base URL and the list of requests it got during this test."""
    httpd.requests.clear()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", httpd.requests


def test_the_server_does_count(server):
    """The counter works: a plain fetch of the server is seen (so 0 means 0)."""
    import urllib.request
    base, requests = server
    with urllib.request.urlopen(base + "/probe") as answer:
        assert answer.status == 200
    assert requests == ["GET /probe HTTP/1.1"]


@pytest.fixture
def tiny_project(tmp_path) -> Path:
    root = copy_project(tmp_path / "tiny", FIXTURES / "tiny" / "source")
    return root


PARA1 = "A second paragraph, to see the indent."
# (id, file to edit, old, new with {url}, file named in the error, code[, text on its line])
HOSTILE = [
    ("markdown-image", "source/01-first.md", PARA1, "![x]({url}/image.png)",
     "source/01-first.md", "Z303"),
    ("markdown-image-reference", "source/01-first.md", PARA1, "![x][i]\n\n[i]: {url}/ref.png",
     "source/01-first.md", "Z303", "![x][i]"),
    ("metadata-css", "source/metadata.yaml", "lang: en", "lang: en\ncss: ['{url}/meta.css']",
     "source/metadata.yaml", "Z303"),
    ("print-css-import", "templates/print.css", "@page {", "@import url({url}/x.css);\n@page {",
     "templates/print.css", "Z303"),
    ("print-css-font", "templates/fonts/fonts.css", 'url("EBGaramond_400Regular.ttf")',
     'url("{url}/font.otf")', "templates/fonts/fonts.css", "Z303"),
    ("book-template-img", "templates/book.html.j2", "<body", "<img src={url}/t.png>\n<body",
     "templates/book.html.j2", "Z303"),
    ("book-template-style-import", "templates/book.html.j2", "<style>",
     "<style>@import '{url}/s.css';", "templates/book.html.j2", "Z303"),
    ("colophon-template-img", "templates/colophon.html.j2", "{% for group in correction_groups %}",
     '<img src="{url}/c.png">{% for group in correction_groups %}', "templates/colophon.html.j2", "Z303"),
    ("epub-css-import", "templates/epub.css", "", "@import url('{url}/e.css');\n",
     "templates/epub.css", "Z303"),
]


@pytest.mark.parametrize("case", HOSTILE, ids=[c[0] for c in HOSTILE])
def test_inputs_pointing_at_the_network_are_refused_with_zero_requests(case, server, tiny_project,
                                                                       capsys):
    _, rel, old, new, shown, code, *needle = case
    base, requests = server
    edit(rel, old, new.replace("{url}", base))(tiny_project)
    exit_code, out, err = run_cli(tiny_project, ["build", "pdf", "epub", "colophon"], capsys)
    assert exit_code == 2 and "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    match = LINE.match(lines[0])
    assert match and (match["path"], match["code"]) == (shown, code), lines[0]
    assert match["line"] == str(line_of(tiny_project / rel, (needle or [base])[0])), lines[0]
    assert base in lines[0]
    assert requests == []
    assert not (tiny_project / "build").exists() or snapshot(tiny_project / "build") == {}


# -- the second layer: WeasyPrint's fetcher, given hostile HTML directly ----------------

FETCHER_HTML = [
    ("img", '<img src="{url}/a.png">'),
    ("stylesheet-link", '<link rel="stylesheet" href="{url}/a.css">'),
    ("style-import", "<style>@import url({url}/b.css);</style>"),
    ("font-face", "<style>@font-face { font-family: X; src: url({url}/f.otf) } "
                  "p { font-family: X }</style>"),
    ("background", '<p style="background: url({url}/bg.png)">x</p>'),
    ("file-outside", '<img src="file:///etc/hostname">'),
    ("relative-outside", '<link rel="stylesheet" href="../../../../../../etc/hostname">'),
]


@pytest.mark.parametrize("markup", [m for _, m in FETCHER_HTML], ids=[i for i, _ in FETCHER_HTML])
def test_weasyprint_fetcher_refuses_everything_outside_the_project(markup, server, tiny_project):
    base, requests = server
    html = ("<!DOCTYPE html><html><head>" + markup.replace("{url}", base)
            + "</head><body><p>x</p></body></html>")
    with pytest.raises(ZineError) as caught:
        pdf.render_pdf(html, tiny_project, tiny_project / "templates", "templates/book.html.j2")
    assert caught.value.code == "Z305"
    assert str(caught.value).startswith("templates/book.html.j2: Z305 refused to load ")
    assert "\n" not in str(caught.value)
    assert requests == []


def test_weasyprint_fetcher_serves_project_files(tiny_project):
    """The fetcher is not a blanket refusal: the book's own fonts and CSS load."""
    html = ('<!DOCTYPE html><html><head><link rel="stylesheet" href="print.css"></head>'
            "<body><p>Fine.</p></body></html>")
    data = pdf.render_pdf(html, tiny_project, tiny_project / "templates", "templates/book.html.j2")
    with pikepdf.open(io.BytesIO(data)) as document:
        fonts = [str(f.BaseFont) for f in document.pages[0].Resources.Font.values()]
    assert any("Garamond" in name for name in fonts), fonts


# -- Jinja autoescaping -----------------------------------------------------------------

SCRIPT_TITLE = "<script>alert(1)</script> & Co"


def test_templates_autoescape(tiny_project):
    env = render.environment(tiny_project)
    assert env.from_string("<h1>{{ t }}</h1>").render(t=SCRIPT_TITLE) == \
        "<h1>&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co</h1>"
    colophon = render.render_template(tiny_project, "colophon.html.j2", {
        **render.book_context(_book_with_title(tiny_project), {"pandoc": "x", "weasyprint": "y"}),
        "target": "print", "build_date": "2026-11-25"})
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in colophon and "<script" not in colophon


def _book_with_title(root: Path):
    from zinepress.source.load import load_book
    edit("source/metadata.yaml", 'title: "A Tiny Zine!"', f"title: '{SCRIPT_TITLE}'")(root)
    return load_book(root)


def test_metadata_markup_is_text_in_pdf_and_epub(tiny_project, capsys):
    """A title holding ``<script>`` is printed as text in the PDF and escaped in the EPUB."""
    _book_with_title(tiny_project)
    code, _, err = run_cli(tiny_project, ["build", "pdf", "epub"], capsys)
    assert code == 0, err
    build = tiny_project / "build"
    [reading] = [p for p in build.glob("*.pdf")]
    assert any(SCRIPT_TITLE in text for text in page_texts(reading)[:4])   # the title page
    [book] = list(build.glob("*.epub"))
    with zipfile.ZipFile(book) as epub:
        texts = {name: epub.read(name).decode("utf-8") for name in epub.namelist()
                 if name.endswith((".xhtml", ".opf", ".ncx"))}
    assert not any("<script" in text for text in texts.values())
    escaped = [name for name, text in texts.items() if "&lt;script&gt;alert(1)" in text]
    assert any(name.endswith(".opf") for name in escaped)
    assert any(name.endswith(".xhtml") and "nav" not in name for name in escaped), escaped
