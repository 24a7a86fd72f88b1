"""The deck's bundled neutral template (report/templates/standard.pptx), made with python-pptx
from its default presentation: 16:9, the layouts the deck uses (Title Slide, Section Header,
Title Only, Title and Content, Two Content) placed for 16:9, titles at 28 pt, the theme's
colours and fonts (which the deck's charts take), and a band in the first accent colour on
every slide. `python -m report.template` writes it again; a unit points config/report.yml at
its own template instead, and the deck changes its look and nothing else."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from pptx import Presentation
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.shapes import MSO_SHAPE
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Cm

W, H = Cm(33.867), Cm(19.05)
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
OLD_W, OLD_H = 9144000, 6858000  # python-pptx's default 4:3 presentation
STANDARD = {
    "accents": ["1F5A8A", "D9822B", "5B8C5A", "8A6FA8", "3C9AB2", "B04A4A"],
    "dark": "1E2A36",
    "light": "EEF2F6",
    "font": "Calibri",
}
PLACES = {  # layout → placeholder idx → (left, top, width, height) in cm
    "Title Slide": {0: (1.2, 1.2, 31.5, 3.0), 1: (1.2, 4.3, 31.5, 1.6)},
    "Section Header": {0: (2.0, 6.5, 29.9, 3.5), 1: (2.0, 10.2, 29.9, 2.0)},
    "Title Only": {0: (1.2, 0.6, 31.5, 2.2)},
    "Title and Content": {0: (1.2, 0.6, 31.5, 2.2), 1: (1.2, 3.0, 31.5, 14.0)},
    "Two Content": {0: (1.2, 0.6, 31.5, 2.2), 1: (1.2, 3.0, 15.3, 14.0), 2: (17.4, 3.0, 15.3, 14.0)},
}


def _theme(prs, accents: list[str], dark: str, light: str, font: str) -> None:
    part = prs.slide_master.part.part_related_by(RT.THEME)
    xml = part.blob.decode("utf-8")
    for i, colour in enumerate(accents, start=1):
        xml = re.sub(rf"(<a:accent{i}>\s*<a:srgbClr val=\")[0-9A-Fa-f]{{6}}", rf"\g<1>{colour}", xml)
    xml = re.sub(r"(<a:dk2>\s*<a:srgbClr val=\")[0-9A-Fa-f]{6}", rf"\g<1>{dark}", xml)
    xml = re.sub(r"(<a:lt2>\s*<a:srgbClr val=\")[0-9A-Fa-f]{6}", rf"\g<1>{light}", xml)
    xml = re.sub(r'(<a:(?:major|minor)Font>\s*<a:latin typeface=")[^"]*', rf"\g<1>{font}", xml)
    part._blob = xml.encode("utf-8")


def _places(prs) -> None:
    for shape in prs.slide_master.shapes:  # the master's placeholders scaled to 16:9
        shape.left, shape.width = int(shape.left * W / OLD_W), int(shape.width * W / OLD_W)
        shape.top, shape.height = int(shape.top * H / OLD_H), int(shape.height * H / OLD_H)
    for layout in prs.slide_layouts:
        places = PLACES.get(layout.name, {})
        for ph in layout.placeholders:
            spot = places.get(ph.placeholder_format.idx)
            if spot:
                ph.left, ph.top, ph.width, ph.height = (Cm(v) for v in spot)
                for level in ph._element.iter(f"{A}lvl1pPr"):  # left, as the titles
                    level.set("algn", "l")
            else:
                ph.left, ph.width = int(ph.left * W / OLD_W), int(ph.width * W / OLD_W)
                ph.top, ph.height = int(ph.top * H / OLD_H), int(ph.height * H / OLD_H)


def _title_style(prs) -> None:
    """Titles left, bold, 28 pt in the theme's second dark colour: a long Swedish title
    ("Styrgruppsammanfattning – Kärnbudskap") fits one line."""
    lvl1 = prs.slide_master.element.find(f"{P}txStyles/{P}titleStyle/{A}lvl1pPr")
    lvl1.set("algn", "l")
    run = lvl1.find(f"{A}defRPr")
    run.set("sz", "2800")
    run.set("b", "1")
    run.find(f"{A}solidFill/{A}schemeClr").set("val", "tx2")


def _band(prs) -> None:
    """A band in the first accent colour at the foot of every slide (drawn on a scratch slide,
    moved to the master: python-pptx draws no shapes on a master)."""
    scratch = prs.slides.add_slide(prs.slide_layouts[6])
    band = scratch.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, H - Cm(0.35), W, Cm(0.35))
    band.fill.solid()
    band.fill.fore_color.theme_color = MSO_THEME_COLOR.ACCENT_1
    band.line.fill.background()
    prs.slide_master.shapes._spTree.append(band._element)
    ids = prs.slides._sldIdLst
    rid = ids[0].rId
    ids.remove(ids[0])
    prs.part.drop_rel(rid)


def make_template(path: Path, accents=None, dark=None, light=None, font=None) -> Path:
    """A template in the deck's shape with these theme colours and this font."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = W, H
    _theme(
        prs,
        accents or STANDARD["accents"],
        dark or STANDARD["dark"],
        light or STANDARD["light"],
        font or STANDARD["font"],
    )
    _places(prs)
    _title_style(prs)
    _band(prs)
    prs.core_properties.title = "Styrgruppsmöte"
    prs.core_properties.language = "sv-SE"
    path.parent.mkdir(parents=True, exist_ok=True)
    prs.save(str(path))
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "templates" / "standard.pptx"
    print(make_template(out))
