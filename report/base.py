"""What every page shares: read-only access to the published marts, the region the report is
for, the meeting it is for (Meeting, the one typed context every page query gets), and
Swedish sorting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from report.blocks import GENERATED_NOTICE, QUARTILE_FILL, QUARTILE_LINE

__all__ = ["GENERATED_NOTICE", "QUARTILE_FILL", "QUARTILE_LINE", "Marts", "Meeting", "Region", "region"]


def swedish_key(name: str) -> str:
    """Sort as in Swedish: å, ä, ö after z; 'Upplands-Bro' before 'Upplands Väsby' as in the plans."""
    return name.casefold().replace("-", " ").translate(str.maketrans({"å": "{", "ä": "|", "ö": "}"}))


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


def newest(m: Marts, table: str, upto: int, where: str = "true", column: str = "year") -> int | None:
    """The newest year of `table` up to `upto` with rows (and `where`): the period a page shows."""
    return m.one(f"select max({column}) from {table} where {column} <= ? and ({where})", [upto])


@dataclass
class Meeting:
    """Who and what a deck is for: the one context every page's query gets (no untyped dict)."""

    m: Marts
    region: Region
    year: int  # the activity year the meeting covers (the year before the meeting's)
    on: date  # the meeting's date
    is_meeting: bool  # listed in config/report.yml (else "Styrgruppsunderlag <year>")
    generated_at: datetime
    no_records: bool = False  # the region has no records of its own up to `year`

    @property
    def plan_year(self) -> int:
        """The year the meeting plans (VP): the meeting's own year."""
        return self.on.year

    @property
    def detailed(self) -> bool:
        """A column, a line and a Kommunblad per member up to a dozen members."""
        return len(self.region.members) <= MAX_MEMBERS_SHOWN

    def computed_by(self, what: str = "Kolada/SCB") -> str:
        return f"Beräknat av {self.region.name} från {what}"


# a column and a line per member reads up to about a dozen municipalities; a county-wide or
# national region (290 members: a 9,5 MB HTML and minutes of PDF layout) gets the region's
# median, the county and the nation, and its members' figures stay in the marts
MAX_MEMBERS_SHOWN = 12
