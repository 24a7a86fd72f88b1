"""The report renders: its PDF pages convert to images and the HTML renders in headless Chromium."""

import os
import shutil
import subprocess

import pytest


@pytest.fixture(scope="module")
def published(bundled_report):
    return bundled_report


def test_pdf_pages_convert_to_images(published):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(published["pdf"]))
    try:
        assert 4 <= len(pdf) <= 14
        first = pdf[0].render(scale=1).to_pil().convert("L")
        assert first.size[0] > 500
        dark = sum(1 for p in first.get_flattened_data() if p < 128)
        assert dark > 0.02 * first.size[0] * first.size[1]  # text, table and chart, not a blank page
        text = pdf[0].get_textpage().get_text_range()
        assert "Intäkter från delägare 2025" in text and "Järfälla" in text
    finally:
        pdf.close()


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def test_html_renders_in_headless_chromium(published, tmp_path):
    browser = chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs it with apt-get install -y chromium")
        pytest.skip("chromium not installed (apt-get install -y chromium)")
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
    keep = os.environ.get("FOU_REPORT_SCREENSHOT")  # keep the picture for a look: FOU_REPORT_SCREENSHOT=/tmp/x.png
    if keep:
        shutil.copyfile(shot, keep)
    assert img.size == (1240, 1754)
    # the cover band (report blue) is at the top, and the page has content, not just background
    assert img.getpixel((1100, 20)) == (0x1F, 0x5A, 0x8A)
    non_background = sum(1 for p in img.get_flattened_data() if p not in ((255, 255, 255), (0xE9, 0xED, 0xF1)))
    assert non_background > 0.08 * 1240 * 1754
