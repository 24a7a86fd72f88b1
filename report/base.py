"""What every report section shares: read-only access to the published marts, the Section a
page is made from, the region the report is for, Swedish sorting, and the quartile colours."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

GENERATED_NOTICE = "genererade värden, inte officiell statistik"
# a municipality's line in a trend chart, by its quartile in the last year (deck and PDF alike)
QUARTILE_LINE = {1: "#2e7d32", 2: "#c49000", 3: "#c49000", 4: "#c0392b", None: "#8a8a8a"}
QUARTILE_FILL = {"green": "#b9e0b0", "yellow": "#fbe6a2", "red": "#f3b3ad", "grey": "#e3e3e3"}


def swedish_key(name: str) -> str:
    """Sort as in Swedish: å, ä, ö after z; 'Upplands-Bro' before 'Upplands Väsby' as in the plans."""
    return name.casefold().replace("-", " ").translate(str.maketrans({"å": "{", "ä": "|", "ö": "}"}))


@dataclass
class Section:
    """What the pages need from a section: its data, or (available False) why there is none."""

    available: bool = True
    missing: str = ""
    data: dict = field(default_factory=dict)


class Marts:
    """Read-only access to the published database with a check for which relations exist."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.relations = {
            f"{s}.{n}"
            for s, n in con.execute("select table_schema, table_name from information_schema.tables").fetchall()
        }

    def has(self, *names: str) -> bool:
        return all(n in self.relations for n in names)

    def columns(self, name: str) -> set[str]:
        schema, table = name.split(".")
        return {
            r[0]
            for r in self.con.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
                [schema, table],
            ).fetchall()
        }

    def rows(self, sql: str, params: list | None = None) -> list[dict]:
        cur = self.con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def one(self, sql: str, params: list | None = None):
        row = self.con.execute(sql, params or []).fetchone()
        return row[0] if row else None


@dataclass
class Region:
    """Who the report is for, from the published database (region membership is configuration:
    another group of municipalities gets its own names, never Nordväst's)."""

    name: str  # "FoU Nordväst"
    members: list[str]  # names in Swedish order
    county: str  # "Stockholms län"

    @property
    def short(self) -> str:
        return self.name.removeprefix("FoU ").strip()


def region(m: Marts) -> Region:
    if not m.has("marts.dim_municipality"):
        return Region("Regionen", [], "Länet")
    rows = m.rows(
        "select municipality_name, member_of_region, county_name from marts.dim_municipality where is_region_member"
    )
    names = sorted((r["municipality_name"] for r in rows), key=swedish_key)
    name = next((r["member_of_region"] for r in rows if r["member_of_region"]), None) or "Regionen"
    county = next((r["county_name"] for r in rows if r["county_name"]), None) or "Länet"
    return Region(name, names, county)


def not_yet(*marts: str) -> Section:
    names = ", ".join(marts)
    return Section(
        False,
        f"Marten {names} finns inte i den publicerade databasen ännu; avsnittet fylls i "
        f"när den har byggts och publicerats.",
    )
