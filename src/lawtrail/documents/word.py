"""The editable Word copy (.docx) of an issued document, for agencies that must edit in Word.

It is made from the same paper template as the PDF (``render.html_of`` on the fields stored with
the issued version), so it says what the PDF says; its headings, paragraphs and tables are turned
into Word paragraphs and tables with python-docx (the library docxtpl builds on), on A4 with the
GB/T 9704 margins, 3号 body and 2号 title in the agency's font map.

It is **not** the legal version: it carries no seal or signature, every page's header and a line
under the title say so, and the sealed PDF (verifiable on the public page) is what the party
receives and what counts. Nothing is stored or journaled: the copy is derived on request.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from typing import Any

from django.utils.translation import gettext as _
from docx import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from . import render
from .models import Document
from .services import kind_for

MARK = "可编辑副本，不是法律文书正本；以加盖电子印章的PDF为准"


class _Blocks(HTMLParser):
    """The paper's HTML as blocks: ("p", classes, text) and ("table", [[(is_th, text), …], …])."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple] = []
        self._text: list[str] | None = None
        self._classes: set[str] = set()
        self._tag = ""
        self._table: list[list[tuple[bool, str]]] | None = None
        self._cell: list[str] | None = None
        self._th = False
        self._skip = 0  # inside <style>, <title>, <svg>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("style", "title", "svg", "head"):
            self._skip += 1
        elif self._skip:
            return
        elif tag == "table":
            self._table = []
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell, self._th = [], tag == "th"
        elif tag == "br":
            (self._cell if self._cell is not None else self._text or []).append("\n")
        elif tag in ("p", "h1") and self._table is None:
            self._text, self._tag = [], tag
            self._classes = set((a.get("class") or "").split())

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title", "svg", "head"):
            self._skip = max(0, self._skip - 1)
        elif self._skip:
            return
        elif tag in ("td", "th") and self._cell is not None and self._table:
            self._table[-1].append((self._th, _clean("".join(self._cell))))
            self._cell = None
        elif tag == "table" and self._table is not None:
            self.blocks.append(("table", self._table))
            self._table = None
        elif tag in ("p", "h1") and self._text is not None:
            text = _clean("".join(self._text))
            if text:
                classes = self._classes | ({"lt-title"} if tag == "h1" else set())
                self.blocks.append(("p", classes, text))
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._text is not None:
            self._text.append(data)


def _clean(text: str) -> str:
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _font(run, family: str, size: float, *, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = family
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), family)
    if color is not None:
        run.font.color.rgb = color


def docx_of(document: Document, *, kind=None) -> bytes:
    """The .docx of ``document`` (its stored fields, its number): editable, marked as not the
    legal version."""
    kind = kind or kind_for(document.case, document.kind)
    fields: dict[str, Any] = dict(document.fields or {})
    html = render.html_of(kind, fields, number=document.number)
    parser = _Blocks()
    parser.feed(html)
    fonts = render.font_map(document.case.agency, document.issued_on)
    song, title_face = fonts.get("song", "FangSong"), fonts.get("title", fonts.get("song", "SimSun"))
    red = RGBColor(0xC0, 0x00, 0x00)
    mark = str(_(MARK))

    out = WordDocument()
    section = out.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    head = section.header.paragraphs[0]
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(head.add_run(mark), song, 10.5, color=red)
    normal = out.styles["Normal"]
    normal.font.name, normal.font.size = song, Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), song)
    props = out.core_properties
    props.title = f"{document.title}（{mark}）"
    props.author = document.case.agency.name
    props.subject = document.number or document.title
    props.comments = mark

    title_done = False
    for block in parser.blocks:
        if block[0] == "table":
            rows = block[1]
            width = max((len(r) for r in rows), default=0)
            if not width:
                continue
            table = out.add_table(rows=len(rows), cols=width)
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for i, row in enumerate(rows):
                for j, (is_th, text) in enumerate(row):
                    cell = table.cell(i, j)
                    _font(cell.paragraphs[0].add_run(text), song, 14, bold=is_th)
            continue
        classes, text = block[1], block[2]
        para = out.add_paragraph()
        fmt = para.paragraph_format
        fmt.line_spacing = Pt(28.95)
        fmt.space_after = Pt(0)
        if classes & {"lt-title", "lt-agency"}:
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(para.add_run(text), title_face, 22, bold=True)
            if "lt-title" in classes and "lt-agency" not in classes and not title_done:
                title_done = True
                note = out.add_paragraph()
                note.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _font(note.add_run(f"（{mark}）"), song, 12, color=red)
            continue
        if "lt-number" in classes or "lt-sign" in classes:
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif not classes & {"flush", "lt-note", "lt-signline"}:
            fmt.first_line_indent = Pt(31.58)
        _font(para.add_run(text), song, 16)
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def docx_name(document: Document) -> str:
    return f"{document.title}-v{document.version}（可编辑副本）.docx"
