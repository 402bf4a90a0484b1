"""HTML → PDF: the document's template (Django template under ``documents/paper/``) laid out to
GB/T 9704-2012 by the base stylesheet and printed by WeasyPrint with the agency's fonts.

GB/T 9704 numbers (see docs/documents.md): A4; 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm; body 3号
(16 pt) Song/Fangsong, 22 lines × 28 characters — a character pitch of 156 mm / 28 = 15.79 pt
(``letter-spacing: -0.21pt`` on a 16 pt face) and a line pitch of 225 mm / 22 ≈ 28.95 pt; title 2号
(22 pt); page numbers 4号 (14 pt) "— n —", 7 mm below the type area, odd pages right and even
pages left, each one character in from the edge of the type area.

Fonts come from the agency's font map (profile key ``documents.fonts``): family names that
fontconfig knows (Debian's fonts-noto-cjk and fonts-lxgw-wenkai, installed by ``make fonts``) and
files of licensed faces (仿宋_GB2312, 小标宋) the agency supplies, declared with ``@font-face``.
WeasyPrint subsets and embeds every face with its ToUnicode map (HarfBuzz subsetting with
libharfbuzz-subset0: ~0.2 s a document instead of seconds).
"""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from lawtrail.profiles.selectors import profile_value
from lawtrail.registry.models import Agency

from .catalogue import DocKind

PAGE_CSS = """
@page {
  size: A4;
  margin: 37mm 26mm 35mm 28mm;
}
@page :right {
  @bottom-right {
    content: "— " counter(page) " —";
    font-family: %(song)s; font-size: 14pt; vertical-align: top;
    padding-top: 7mm; padding-right: 15.79pt;
  }
}
@page :left {
  @bottom-left {
    content: "— " counter(page) " —";
    font-family: %(song)s; font-size: 14pt; vertical-align: top;
    padding-top: 7mm; padding-left: 15.79pt;
  }
}
"""


def _family(name: str) -> str:
    return '"' + name.replace('"', "") + '"'


def font_map(agency: Agency | None, on: dt.date | None = None) -> dict[str, Any]:
    return profile_value(agency, "documents.fonts", on=on)


def font_css(fonts: dict[str, Any]) -> str:
    """``@font-face`` rules for the agency's licensed font files, then the page and role variables."""
    faces = []
    for family, path in sorted(fonts.get("files", {}).items()):
        uri = Path(path).resolve().as_uri()
        faces.append(f"@font-face {{ font-family: {_family(family)}; src: url({uri!r}); }}")
    roles = {role: _family(fonts[role]) for role in ("song", "title", "hei", "kai")}
    r = roles
    roots = (
        f":root {{ --song: {r['song']}; --title: {r['title']}; --hei: {r['hei']}; --kai: {r['kai']}; }}\n"
        f"body {{ font-family: {r['song']}; }} .lt-title {{ font-family: {r['title']}; }} "
        f".lt-hei {{ font-family: {r['hei']}; }} .lt-kai {{ font-family: {r['kai']}; }}\n"
    )
    return "\n".join(faces) + "\n" + PAGE_CSS.replace("%(song)s", r["song"]) + roots


def html_of(
    kind: DocKind, fields: dict[str, Any], *, number: str = "", qr_svg: str = "", template: str = ""
) -> str:
    return render_to_string(
        f"documents/paper/{template or kind.template}",
        {"f": fields, "kind": kind, "number": number, "qr_svg": qr_svg},
    )


class _Text(HTMLParser):
    """The text a reader sees in a paper's HTML: the body's character data, without the head,
    styles and scripts."""

    SKIP = frozenset({"head", "title", "style", "script", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self.SKIP:
            self.skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def text_of(html: str) -> str:
    """What a paper says, read from its HTML without laying it out (the steps' element checks:
    milliseconds instead of a PDF's layout and font subsetting; the issued PDF is checked on its
    own text when it is issued)."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def document_of(html: str, fonts: dict[str, Any]):
    """Lay ``html`` out with the font map (a WeasyPrint document: pages, anchors)."""
    config = FontConfiguration()
    css = CSS(string=font_css(fonts), font_config=config)
    return HTML(string=html, base_url=str(Path(__file__).parent)).render(
        stylesheets=[css], font_config=config
    )


def write(doc, *, title: str = "", author: str = "") -> bytes:
    """The PDF, with title, author and language in its metadata."""
    doc.metadata.title = title
    doc.metadata.authors = [author] if author else []
    doc.metadata.lang = "zh-CN"
    return doc.write_pdf()


def anchor(doc, name: str) -> tuple[int, float, float, float, float] | None:
    """The box of the element with id ``name``: (page index, left, bottom, right, top) in PDF
    points from the bottom-left corner of its page (CSS px are 0.75 pt)."""
    for index, page in enumerate(doc.pages):
        if name in page.anchors:
            x1, y1, x2, y2 = page.anchors[name]
            h = page.height
            return index, x1 * 0.75, (h - y2) * 0.75, x2 * 0.75, (h - y1) * 0.75
    return None


def pdf_of(html: str, fonts: dict[str, Any], *, title: str = "", author: str = "") -> bytes:
    """Print ``html`` with the font map (the bare pipeline: no anchors, no seal)."""
    return write(document_of(html, fonts), title=title, author=author)
