"""The deck's PDF and HTML as rendered: every PDF page converts to an image, no character or
drawn object crosses the page margins, no page is more than a third empty except before a new
chapter, and the figures read back from the PPTX, the HTML and the PDF text agree with the marts."""

import subprocess

import pytest
from pptx import Presentation

from report import fmt
from tests.support.helpers import chromium_or_skip

MM = 72 / 25.4  # PDF points per millimetre
MARGINS = dict(top=14, right=13, bottom=16, left=13)  # report.css @page


@pytest.fixture(scope="module")
def published(bundled_report):
    return bundled_report


@pytest.fixture(scope="module")
def pdf(published):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(published["pdf"]))
    yield doc
    doc.close()


def _text(page) -> str:
    return page.get_textpage().get_text_range()


def test_pdf_pages_convert_to_images(pdf):
    assert 10 <= len(pdf) <= 24
    first = pdf[0].render(scale=1).to_pil().convert("L")
    dark = sum(1 for p in first.get_flattened_data() if p < 128)
    assert dark > 0.01 * first.size[0] * first.size[1]  # the cover band and the contents, not blank
    assert "Styrgruppsmöte 26 februari 2026" in _text(pdf[0]) and "Innehåll" in _text(pdf[0])


def test_nothing_crosses_the_page_margins(pdf):
    for n, page in enumerate(pdf, start=1):
        width, height = page.get_size()
        left, right = MARGINS["left"] * MM - 0.5, width - MARGINS["right"] * MM + 0.5
        top = height - MARGINS["top"] * MM + 0.5
        tp = page.get_textpage()
        for i in range(tp.count_chars()):
            x0, y0, x1, y1 = tp.get_charbox(i)
            if x1 > x0:  # a drawn character, not a space
                assert left <= x0 and x1 <= right and y1 <= top and y0 >= 4 * MM, (n, tp.get_text_range(i, 1))
        for obj in page.get_objects(max_depth=1):
            x0, y0, x1, y1 = obj.get_bounds()
            assert left - 1 <= x0 and x1 <= right + 1 and y1 <= top + 1, (n, obj.type, (x0, y0, x1, y1))


def test_no_page_is_more_than_a_third_empty_except_before_a_chapter(pdf, published):
    import duckdb

    from report.pages import meeting, pages

    with duckdb.connect(str(published["settings"].published_db), read_only=True) as con:
        from datetime import date

        sheets = [p.title for p in pages(meeting(con, 2025, date(2026, 2, 26))) if p.sheet]
    for n in range(len(pdf) - 1):
        page = pdf[n]
        image = page.render(scale=0.5).to_pil().convert("L")
        w, h = image.size
        body_bottom = int(h * (1 - MARGINS["bottom"] / 297))  # the footer line is not content
        rows = [y for y in range(body_bottom) if min(image.crop((0, y, w, y + 1)).get_flattened_data()) < 200]
        used = (rows[-1] if rows else 0) / body_bottom
        nw, nh = pdf[n + 1].get_size()
        heading = pdf[n + 1].get_textpage().get_text_bounded(0, nh - 35 * MM, nw, nh)  # the page's top
        if used < 2 / 3:
            assert any(t in heading.replace("\r\n", " ") for t in sheets), (n + 1, used, heading)


def _pptx_texts(path) -> set[str]:
    out = set()
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out |= {p.text for p in shape.text_frame.paragraphs}
            if shape.has_table:
                out |= {c.text for row in shape.table.rows for c in row.cells}
    return out


def test_figures_agree_in_pptx_html_and_pdf_with_the_marts(published, pdf):
    con = published["con"]
    figures = [
        fmt.number(fee) for (fee,) in con.execute("select fee_kr from marts.fct_fees where fee_year = 2019").fetchall()
    ]
    figures += [
        fmt.pct(s)
        for (s,) in con.execute("select population_share_pct from marts.fct_fees where fee_year = 2019").fetchall()
    ]
    figures.append(
        fmt.number(con.execute("select total_fte from marts.fct_staffing_per_year where year = 2026").fetchone()[0], 2)
    )
    figures += [
        fmt.tkr(b) for (b,) in con.execute("select budget_tkr from marts.fct_budget where year = 2022").fetchall()
    ]
    figures += [
        fmt.number(v)
        for v in con.execute(
            "select n_requests, n_yes, n_no, n_pending from marts.fct_request_totals where year = 2025"
        ).fetchone()
    ]
    pptx = _pptx_texts(published["pptx"])
    html = published["html"].read_text(encoding="utf-8")
    pdf_text = "".join(_text(p) for p in pdf).replace("\r\n", " ")
    for f in figures:
        assert f in pptx, f
        assert f'<td class="num">{f}</td>' in html, f
        assert f.replace("\u00a0", " ") in pdf_text.replace("\u00a0", " "), f


def test_html_renders_in_headless_chromium(published, tmp_path):
    browser = chromium_or_skip()
    shot = tmp_path / "first_page.png"
    result = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1240,1754",
            "--hide-scrollbars",
            published["html"].resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shot.exists(), result.stderr[-2000:]
    from PIL import Image

    img = Image.open(shot).convert("RGB")
    assert img.size == (1240, 1754)
    assert img.getpixel((1100, 20)) == (0x1F, 0x5A, 0x8A)  # the cover band
    non_background = sum(1 for p in img.get_flattened_data() if p not in ((255, 255, 255), (0xE9, 0xED, 0xF1)))
    assert non_background > 0.05 * 1240 * 1754


def test_heading_hyphens_never_double_a_words_own_hyphen():
    """A soft hyphen after Upplands-Bro's own hyphen broke the heading as "lands--"."""
    from report.rendering import soft_hyphens

    assert soft_hyphens("Upplands-Bro") == "Upp\u00adlands-Bro"
    assert soft_hyphens("Sundbyberg Ekerö") == "Sund\u00adby\u00adberg Ekerö"
