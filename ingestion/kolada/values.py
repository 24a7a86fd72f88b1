"""Kolada data objects to rows, with a value that is not a number quarantined per row.

Kolada v3 sends every value as a JSON number or null (rKolada reads them as numbers; the
saved real answers in reference-data/kolada/ agree). A string such as "12,5" or "abc" is
therefore an answer that breaks the contract. Decision: such a value is QUARANTINED, never
read, not even "12,5" as 12.5: a string in that place means something upstream changed
(a locale-formatted export, a thousands separator "1,250" or a marker), and guessing would
publish a number nobody checked. The row goes to raw.kolada_quarantine naming the KPI,
municipality, year, gender, the raw text and the answer (URL, SHA-256); the rest loads."""

from __future__ import annotations

import math

QUARANTINE_SCHEMA = """
create table if not exists raw.kolada_quarantine (
    source varchar, kpi varchar, municipality_id varchar, period integer, gender varchar,
    raw_value varchar, reason varchar, url varchar, sha256 varchar, fetched_at timestamptz,
    quarantined_at timestamptz);
"""


def parse_value(raw: object) -> tuple[float | None, str | None]:
    """(value, None) for a JSON number or null; (None, reason) for anything else."""
    if raw is None:
        return None, None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        kind = "text" if isinstance(raw, str) else type(raw).__name__
        hint = " (a decimal comma: Kolada sends numbers, not text)" if isinstance(raw, str) and "," in raw else ""
        return None, f"value is {kind} {raw!r}, not a number{hint}"
    if not math.isfinite(raw):
        return None, f"value {raw!r} is not a finite number"
    return float(raw), None


def value_rows(body: dict) -> tuple[list[dict], list[dict]]:
    """v3 data objects to one row per gender, and the quarantined ones. A value the API gives
    as null stays null (no value, not zero); `isdeleted` may be present in any answer."""
    rows, bad = [], []
    for obj in body["values"]:
        for v in obj.get("values") or []:
            key = {
                "kpi": obj["kpi"],
                "municipality_id": str(obj["municipality"]),
                "period": int(obj["period"]),
                "gender": v["gender"],
            }
            value, reason = parse_value(v.get("value"))
            if reason:
                bad.append({**key, "raw_value": str(v.get("value")), "reason": f"kolada: {reason}"})
                continue
            rows.append(
                {
                    **key,
                    "count": v.get("count"),
                    "status": v.get("status") or "",
                    "value": value,
                    "is_deleted": bool(v.get("isdeleted", False)),
                }
            )
    return rows, bad
