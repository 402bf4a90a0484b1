"""GB/T 9704 layout of an issued paper, read back from the PDF: every font embedded with a
ToUnicode map and only the allowed families (a fallback face would mean a missing glyph — the
rare name character 䶮 included); margins, ≤ 28 characters a line, 16 pt body and 22 pt title
from the character boxes; page numbers "— n —" alternating sides; page images under two
renderers (poppler's pdftoppm and pdfium) against references."""

from __future__ import annotations

import io
import re
import subprocess
from collections import defaultdict
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest
from fontTools.ttLib import TTCollection
from PIL import Image, ImageChops, ImageStat
from pypdf import PdfReader

from .sample import RARE, sample_pdf

MM = 72 / 25.4
ALLOWED = {
    "Noto-Serif-CJK-SC",
    "Noto-Serif-CJK-SC-Bold",
    "Noto-Sans-CJK-SC",
    "Noto-Sans-CJK-SC-Bold",
    "LXGWWenKai-Regular",
}
REF = Path(__file__).parent / "reference"


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return sample_pdf()


def test_every_font_embedded_with_tounicode_and_allowed(pdf):
    seen = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            base = str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1]
            seen.add(base)
            assert "/ToUnicode" in font, base
            desc = (
                font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                if "/DescendantFonts" in font
                else font["/FontDescriptor"]
            )
            assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), f"{base} not embedded"
    assert seen and seen <= ALLOWED, seen


def test_rare_name_character_is_in_the_face_not_a_fallback(pdf):
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert RARE in re.sub(r"\s+", "", text)
    face = TTCollection("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc").fonts[2]
    assert ord("䶮") in face.getBestCmap()
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        rare = [c for c in doc.pages[0].chars if c["text"] == "䶮"]
    assert rare and all(c["fontname"].split("+")[-1] in ALLOWED for c in rare)


def _lines(chars):
    rows = defaultdict(list)
    for c in chars:
        rows[round(c["top"])].append(c)
    return [sorted(r, key=lambda c: c["x0"]) for _, r in sorted(rows.items())]


def _cells(line) -> float:
    """Character cells of a line: a CJK character fills one, a half-width digit or letter half."""
    return sum(1 if ord(c["text"][0]) >= 0x2E80 else 0.5 for c in line)


def test_geometry_margins_grid_and_sizes(pdf):
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) >= 2
        for n, page in enumerate(doc.pages, start=1):
            assert (round(page.width), round(page.height)) == (595, 842)  # A4
            body = [c for c in page.chars if abs(c["size"] - 16) < 0.1]
            title = [c for c in page.chars if abs(c["size"] - 22) < 0.1]
            folio = [c for c in page.chars if abs(c["size"] - 14) < 0.1]
            assert body
            assert min(c["x0"] for c in body) >= 28 * MM - 1  # 订口 28 mm
            assert max(c["x1"] for c in body) <= page.width - 26 * MM + 1  # 版心 156 mm
            assert min(c["top"] for c in body + title) >= 37 * MM - 1  # 天头 37 mm
            assert max(c["bottom"] for c in body) <= page.height - 35 * MM + 1
            for line in _lines(body):
                assert _cells(line) <= 28, "".join(c["text"] for c in line)
            if n == 1:
                assert "".join(c["text"] for c in title).count("行政处罚决定书") == 1
            # "— n —", 7 mm below the type area, odd pages right, even pages left
            text = "".join(c["text"] for c in sorted(folio, key=lambda c: c["x0"])).replace(" ", "")
            assert text == f"—{n}—"
            assert min(c["top"] for c in folio) >= page.height - 35 * MM + 7 * MM - 1
            if n % 2:
                assert max(c["x1"] for c in folio) > page.width / 2
            else:
                assert min(c["x0"] for c in folio) < page.width / 2
        first = _lines([c for c in doc.pages[0].chars if abs(c["size"] - 16) < 0.1])
        assert max(_cells(line) for line in first) >= 27.5  # a full line holds 28 characters


def _diff(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a.convert("L"), b.convert("L"))).mean)


def _pdftoppm(pdf: bytes, tmp_path: Path) -> Image.Image:
    src = tmp_path / "doc.pdf"
    src.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-gray", "-png", str(src), str(tmp_path / "p")],
        check=True,
    )
    return Image.open(next(tmp_path.glob("p*.png"))).convert("L")


def _pdfium(pdf: bytes) -> Image.Image:
    doc = pypdfium2.PdfDocument(pdf)
    return doc[0].render(scale=40 / 72).to_pil().convert("L")


def test_page_images_match_references_under_two_renderers(pdf, tmp_path):
    poppler, pdfium = _pdftoppm(pdf, tmp_path), _pdfium(pdf)
    for name, img in (("poppler", poppler), ("pdfium", pdfium)):
        ref_path = REF / f"decision-p1-{name}.png"
        if not ref_path.exists():  # first run on a new layout: write the reference, fail loudly
            img.save(ref_path)
            pytest.fail(f"reference {ref_path.name} written; check it and commit it")
        ref = Image.open(ref_path).convert("L")
        assert ref.size == img.size
        assert _diff(ref, img) < 1.5, name  # mean grey difference out of 255
    # both renderers draw the same page (a CFF subset one of them cannot read would differ)
    w, h = min(poppler.width, pdfium.width), min(poppler.height, pdfium.height)
    small = (w // 4, h // 4)  # anti-aliasing differs between renderers; the ink per block does not
    a = poppler.crop((0, 0, w, h)).resize(small, Image.Resampling.BOX)
    b = pdfium.crop((0, 0, w, h)).resize(small, Image.Resampling.BOX)
    assert _diff(a, b) < 4
    # and a changed page is noticed
    blank = Image.new("L", poppler.size, 255)
    assert _diff(blank, poppler) > 3
