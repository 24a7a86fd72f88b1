"""Excel templates for the record formats, generated from the very `RecordFormat`s the intake
validates with (ingestion/records/formats.py), so a new format or a new allowed word is in the
next template without a second list: the header is the format's columns, each header cell has
a Swedish comment (required or optional, unit, example), every vocabulary column and every
municipality column has a drop-down list (Excel data validation), dates and numbers have their
formats, the header is frozen, row 2 is an example row (exempel = ja) and a sheet
"Instruktioner" says how to name the file and where to drop it.

The example row is skipped by the intake as long as it is unchanged (`is_template_example`):
a template filled in below it and dropped in the inbox loads exactly the rows written."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from ingestion.records.parse import (
    RecordFormat,
    as_bool,
    as_count,
    as_date,
    as_decimal,
    as_int,
    as_share,
    as_text,
    as_year,
)

log = logging.getLogger(__name__)

FOLDER = "mallar"  # <inbox>/mallar: the intake reads only files directly in the inbox
DATA_ROWS = 2000  # rows below the header that carry the drop-downs and formats
LISTS_SHEET = "Listor"
INSTRUCTIONS_SHEET = "Instruktioner"
EXAMPLE_YEAR = 2026

# What a column means, in Swedish, by column name; a column not listed here (a new format's)
# gets its type's description only. Units go in UNITS.
MEANING = {
    "år": "Året raden gäller",
    "datum": "Datum; ska ligga i året i kolumnen år",
    "källa": "Var uppgiften kommer ifrån (dokument, diarium …)",
    "exempel": "ja på rader som inte är riktiga uppgifter utan påhittade exempel; mallens exempelrad "
    "(rad 2) läses inte in så länge den är oförändrad",
    "kategori": "Budgetkategori",
    "budget_tkr": "Budget; minst en av budget_tkr och utfall_tkr",
    "utfall_tkr": "Utfall",
    "rad_i_källan": "Radens rubrik i källan",
    "uppdrag_id": "Enhetens id för uppdraget, samma år efter år",
    "uppdrag": "Uppdragets namn",
    "mål": "Resultatmålet",
    "mål_i_källan": "Målrubriken som källan skriver den",
    "område": "Verksamhetsområde",
    "linje": "Första eller andra linjen",
    "kommuner": "Medlemskommuner som deltar: en eller flera (skilj med komma) eller samtliga",
    "övriga_parter": "Parter utanför regionen",
    "externfinansierat": "ja om uppdraget finansieras externt",
    "ansvarig": "Ansvarig person",
    "aktivitet_id": "Unikt id för aktiviteten",
    "aktivitet": "Aktivitetens namn",
    "aktivitetstyp": "Typ av aktivitet",
    "deltagare": "Antal deltagare",
    "förfrågan_id": "Unikt id för förfrågan",
    "ursprung": "Medlemskommunen som frågade, extern (utanför regionen) eller okänd",
    "avsändare": "Vem som frågade (för externa förfrågningar)",
    "beslut": "Beslutet om förfrågan",
    "antal": "Antal förfrågningar raden avser; tomt = 1",
    "beskrivning": "Kort beskrivning",
    "evenemang": "Evenemangets namn",
    "typ": "Typ",
    "fråga": "Utvärderingsfrågan; krävs när utvärderingssiffror anges",
    "skala_max": "Skalans högsta värde (5 eller 10); krävs med medelvärde eller median",
    "svarande": "Antal svarande; högst antalet deltagare",
    "medelvärde": "Medelvärde på skalan",
    "median": "Median på skalan",
    "andel_instämmer_pct": "Andel som instämmer helt eller i hög grad (eller svarar ja)",
    "andel_delvis_pct": "Andel som instämmer delvis; de två andelarna högst 100 tillsammans",
    "kanal": "Kommunikationskanal",
    "mått": "Vad som mäts",
    "avser": "T.ex. den inspelade webbsändningen; tomt = kanalen som helhet",
    "värde": "Siffran",
    "ungefärligt": "ja när källan skriver ca",
    "period": "Helår, vid årets slut, tre månader …",
    "förändring_pct_enligt_källa": "Förändring mot året före som källan anger den",
    "roll": "Roll",
    "finansiering": "ordinarie (grundanslag), extern eller ej angiven",
    "person": "Namn, när en rad per person",
    "årsarbetare": "Årsarbetare (1,0 = heltid)",
    "antal_personer": "Antal personer",
    "anteckning": "Anteckning",
    "avgiftsår": "Året avgiften gäller",
    "modell": "Avgiftsmodell",
    "kr_per_invånare": "Avgift per invånare; krävs med modell per_invånare",
    "totalbelopp_kr": "Totalbelopp; krävs med modell fast_total",
    "folkmängd_per": "Datum för folkmängden avgiften bygger på",
    "dokument": "Dokumentet som citerar folkmängden",
    "avser_datum": "Datum folkmängden avser",
    "kommun": "Medlemskommun",
    "folkmängd": "Folkmängden som dokumentet anger den",
    "möte": "Styrgruppsmötets datum",
    "ordning": "Punktens ordning på mötet (1, 2, 3 …)",
    "rubrik": "Rubrik",
    "text": "Text",
}
UNITS = {"_tkr": "tusen kronor (tkr)", "_kr": "kronor", "_pct": "procent, 0–100 (skriv 63, inte 63 %)"}
# Example values by column name (as a person types them); others come from the column's type.
EXAMPLES = {
    "källa": "Exempel (mallens exempelrad)",
    "kategori": "personal",
    "budget_tkr": "3046",
    "utfall_tkr": "2980",
    "skala_max": "5",
    "deltagare": "40",
    "svarande": "30",
    "medelvärde": "4,2",
    "median": "4",
    "andel_instämmer_pct": "63",
    "andel_delvis_pct": "20",
    "årsarbetare": "1,5",
    "antal": "1",
    "ordning": "1",
    "kr_per_invånare": "9,08",
    "totalbelopp_kr": "3854914",
    "folkmängd": "27753",
    "värde": "1262",
}

# the parsers' kinds: (Swedish type, Excel number format, example)
KINDS = {
    as_year: ("årtal", "0", str(EXAMPLE_YEAR)),
    as_date: ("datum ÅÅÅÅ-MM-DD", "yyyy-mm-dd", f"{EXAMPLE_YEAR}-03-15"),
    as_decimal: ("tal (decimalkomma går bra)", "#,##0.0##", "12,5"),
    as_int: ("heltal", "#,##0", "1234"),
    as_count: ("heltal, 0 eller mer", "#,##0", "12"),
    as_share: ("procent 0–100", '0.0" %"', "50"),
    as_bool: ("ja/nej", "@", "nej"),
    as_text: ("text", "@", None),
}


@dataclass
class Column:
    """What the template says and does for one field of a format."""

    name: str
    required: bool
    kind: str  # Swedish type name
    number_format: str
    choices: tuple[str, ...]  # the drop-down; () = none
    strict: bool  # True: the drop-down's values only (a warning otherwise); False: other text too
    example: str
    meaning: str
    unit: str


def columns(fmt: RecordFormat) -> list[Column]:
    out = []
    for f in fmt.fields:
        parse = f.parse
        kind, number_format, example = KINDS.get(parse, ("text", "@", None))
        choices: tuple[str, ...] = tuple(getattr(parse, "allowed", ()))
        strict = True
        if parse is as_bool:
            choices = ("ja", "nej")
        members = getattr(parse, "members", None)
        if members:
            names = tuple(sorted(members.values()))
            several = getattr(parse, "several", False)
            choices = names + (("samtliga",) if several else ()) + tuple(getattr(parse, "others", ()))
            strict = not several  # a cell of several municipalities is not one of the list's values
            kind = "kommuner (en eller flera, eller samtliga)" if several else "kommun"
        elif choices and parse is not as_bool:
            kind = "ett av listans värden"
        if choices and example is None:
            example = choices[0]
        example = EXAMPLES.get(f.name, example or f"Exempel på {f.name}")
        unit = next((u for suffix, u in UNITS.items() if f.name.endswith(suffix)), "")
        out.append(
            Column(f.name, f.required, kind, number_format, choices, strict, example, MEANING.get(f.name, ""), unit)
        )
    return out


def example_texts(fmt: RecordFormat) -> dict[str, str]:
    """The example row as a person would type it, one that the format accepts: an optional
    value a cross-field check refuses (e.g. a mean outside the scale) is left empty."""
    texts = {c.name: c.example for c in columns(fmt)}
    if "exempel" in texts:
        texts["exempel"] = "ja"
    for _ in fmt.fields:
        parsed = {f.name: f.parse(texts[f.name]) if texts.get(f.name) else None for f in fmt.fields}
        problems = fmt.row_check(parsed) if fmt.row_check else []
        optional = {f.name for f in fmt.fields if not f.required}
        blank = [name for name, _ in problems if name in optional and texts.get(name)]
        if not blank:
            return texts
        texts[blank[0]] = ""
    return texts


def _comparable(value):
    """Parsed values as the intake's dataframe holds them: 5.0 == 5 == Decimal('5.00')."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    return Decimal(str(value)).normalize()


def is_template_example(fmt: RecordFormat):
    """A test for a parsed row (a dict of the format's fields): True for the template's example
    row left unchanged, which the intake skips; any change makes it a row like any other."""
    texts = example_texts(fmt)
    expected = {f.name: _comparable(f.parse(texts[f.name]) if texts.get(f.name) else None) for f in fmt.fields}
    return lambda row: all(_comparable(row.get(name)) == value for name, value in expected.items())


def file_stem(fmt: RecordFormat) -> str:
    """The Swedish name staff know (the first alias), else the format's own name."""
    return fmt.aliases[0] if fmt.aliases else fmt.name


def template_name(fmt: RecordFormat) -> str:
    return f"{file_stem(fmt)}_mall.xlsx"


def write_template(fmt: RecordFormat, path: Path, inbox_hint: str = "inbox/") -> Path:
    """One workbook: the format's sheet first (the intake reads the first sheet), then the
    instructions and the (hidden) lists the drop-downs point at. Written to a temporary file and
    renamed, so a template is never half written."""
    from openpyxl import Workbook

    cols = columns(fmt)
    wb = Workbook()
    ws = wb.active
    ws.title = file_stem(fmt)[:31]
    lists = wb.create_sheet(LISTS_SHEET)
    _data_sheet(ws, lists, fmt, cols)
    _instructions(wb.create_sheet(INSTRUCTIONS_SHEET), fmt, cols, inbox_hint)
    lists.sheet_state = "hidden"
    wb.active = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    wb.save(tmp)
    os.replace(tmp, path)
    return path


def _data_sheet(ws, lists, fmt: RecordFormat, cols: list[Column]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    example = example_texts(fmt)
    for i, col in enumerate(cols, start=1):
        letter = get_column_letter(i)
        head = ws.cell(row=1, column=i, value=col.name)
        head.font, head.fill = bold, fill
        head.comment = Comment(_comment(col), "FoU Nordväst", width=300, height=160)
        ws.column_dimensions[letter].width = max(12, min(40, len(col.name) + 4, len(col.example) + 4))
        cell = ws.cell(row=2, column=i, value=_typed(example.get(col.name, ""), col))
        cell.number_format = col.number_format
        cell.font = Font(italic=True, color="808080")
        ws.column_dimensions[letter].number_format = col.number_format  # the rows a person fills in
        if col.choices:
            lists.cell(row=1, column=i, value=col.name)
            for r, value in enumerate(col.choices, start=2):
                lists.cell(row=r, column=i, value=value).number_format = "@"
            source = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(col.choices) + 1}"
            dv = DataValidation(type="list", formula1=source, allow_blank=True)
            dv.errorStyle = "warning" if col.strict else "information"
            dv.errorTitle = "Inte ett av listans värden"
            dv.error = (
                f"{col.name}: välj ett värde i listan. Andra värden hamnar i karantän vid intaget."
                if col.strict
                else f"{col.name}: välj i listan eller skriv flera kommuner åtskilda med komma."
            )
            dv.promptTitle, dv.prompt = col.name, "Välj i listan"
            dv.add(f"{letter}2:{letter}{DATA_ROWS + 1}")
            ws.add_data_validation(dv)
        elif col.number_format == "yyyy-mm-dd":
            dv = DataValidation(
                type="date",
                operator="between",
                formula1="DATE(1990,1,1)",
                formula2="DATE(2100,12,31)",
                allow_blank=True,
            )
            dv.errorStyle, dv.errorTitle, dv.error = "warning", "Inget datum", f"{col.name}: skriv datum som ÅÅÅÅ-MM-DD"
            dv.add(f"{letter}2:{letter}{DATA_ROWS + 1}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"


def _typed(text: str, col: Column):
    """The example as Excel stores what a person types: numbers as numbers, dates as dates."""
    if not text:
        return None
    if col.number_format == "yyyy-mm-dd":
        return date.fromisoformat(text)
    if col.number_format != "@":
        value = as_decimal(text)
        return int(value) if value == value.to_integral_value() else float(value)
    return text


def _comment(col: Column) -> str:
    lines = [col.meaning] if col.meaning else []
    lines.append("Obligatorisk" if col.required else "Valfri (får lämnas tom)")
    lines.append(f"Typ: {col.kind}")
    if col.unit:
        lines.append(f"Enhet: {col.unit}")
    if col.choices:
        lines.append("Tillåtna värden: " + ", ".join(col.choices))
    lines.append(f"Exempel: {col.example}")
    return "\n".join(lines)


def _instructions(ws, fmt: RecordFormat, cols: list[Column], inbox_hint: str) -> None:
    from openpyxl.styles import Font

    stem = file_stem(fmt)
    names = ", ".join(dict.fromkeys((fmt.name, *fmt.aliases)))
    lines = [
        (f"Mall: {stem}" + (f" – {fmt.description}" if fmt.description else ""), True),
        ("", False),
        ("Så här gör du", True),
        (f"1. Fyll i en rad per post i bladet {stem[:31]!r}, från rad 3. Ändra inte rubrikraden (rad 1).", False),
        (
            "2. Rad 2 är en exempelrad (exempel = ja). Den läses inte in så länge den är oförändrad; "
            "du kan också ta bort den eller skriva över den med en riktig rad (skriv då nej i exempel).",
            False,
        ),
        ("3. Välj värden i listorna där cellen har en lista. Datum skrivs ÅÅÅÅ-MM-DD.", False),
        (
            f"4. Spara som Excel (.xlsx) med ett namn som börjar med {stem}, t.ex. {stem}_{EXAMPLE_YEAR}-03.xlsx "
            f"(godtagna början på namnet: {names}).",
            False,
        ),
        (f"5. Lägg filen i inkorgen {inbox_hint} (inte i mappen mallar). Månadsinläsningen tar in den.", False),
        ("6. Läs intagsrapporten inbox/rapporter/intag_<datum>.txt efteråt: felaktiga rader står där.", False),
        ("", False),
        (f"Nyckel (får finnas en gång per fil; en nyare fil ersätter raden): {' + '.join(fmt.key)}", False),
        ("", False),
        ("Kolumner", True),
    ]
    for r, (text, strong) in enumerate(lines, start=1):
        ws.cell(row=r, column=1, value=text).font = Font(bold=strong)
    header = ["kolumn", "obligatorisk", "typ", "enhet", "betydelse", "tillåtna värden", "exempel"]
    start = len(lines) + 1
    for c, text in enumerate(header, start=1):
        ws.cell(row=start, column=c, value=text).font = Font(bold=True)
    for r, col in enumerate(cols, start=start + 1):
        values = [
            col.name,
            "ja" if col.required else "nej",
            col.kind,
            col.unit,
            col.meaning,
            ", ".join(col.choices),
            col.example,
        ]
        for c, value in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=value).number_format = "@"
    for letter, width in zip("ABCDEFG", (24, 12, 28, 22, 60, 50, 24), strict=True):
        ws.column_dimensions[letter].width = width


def write_templates(fmts: dict[str, RecordFormat], folder: Path, inbox_hint: str = "inbox/") -> list[Path]:
    """One template per format into `folder`; returns the paths."""
    return [write_template(fmt, folder / template_name(fmt), inbox_hint) for fmt in fmts.values()]


def refresh_templates(settings) -> list[Path]:
    """The current templates into <inbox>/mallar on every load. A template a person has open
    (a locked file on a share) is not worth failing the load for: logged and left."""
    from ingestion.records.formats import formats

    folder = settings.inbox / FOLDER
    try:
        return write_templates(formats(settings.members), folder, str(settings.inbox))
    except OSError as exc:
        log.warning("templates: could not write %s (%s); the previous ones are kept", folder, exc)
        return []
