"""An SCB data answer must be the answer to what was asked: its dimensions named as the
table's metadata names them, its categories those of the selection, and a value (or a status
marker saying why there is none) in every cell. A valid json-stat2 answer that differs (a
dimension `Kön` where the metadata says `Kon`, every tenth single age only) would otherwise
load and publish with whole slices gone."""

from __future__ import annotations

import math

from ingestion.errors import AnswerContradicts
from ingestion.scb import jsonstat


def check_answer(body: dict, metadata: dict, selection: dict[str, list[str]], url: str, cells: bool = True) -> None:
    """Raise AnswerContradicts naming the URL, the dimension and what was expected. `cells=False`
    for the bundled snapshot: its rebuilt TAB638 answer leaves cells of municipalities that did
    not yet exist empty without SCB's status marker."""
    where = f"scb: answer from {url}"
    for key in ("id", "size", "dimension", "value"):
        if key not in body:
            raise AnswerContradicts(f"{where} is not json-stat2: field {key!r} is missing")
    known = metadata["id"]
    for dim in body["id"]:
        if dim not in known:
            raise AnswerContradicts(
                f"{where}: dimension {dim!r} is not in the table's metadata (expected one of {known})"
            )
    for dim, asked in selection.items():
        if dim not in body["id"]:
            raise AnswerContradicts(f"{where}: dimension {dim!r} is missing (asked for {len(asked)} codes)")
        got = jsonstat.dimension_codes(body, dim)
        if set(got) != set(asked) or len(got) != len(asked):
            missing, extra = sorted(set(asked) - set(got)), sorted(set(got) - set(asked))
            raise AnswerContradicts(
                f"{where}: dimension {dim!r} has {len(got)} codes where {len(asked)} were asked for"
                f" (missing {missing[:10]}{' …' if len(missing) > 10 else ''}, unexpected {extra[:10]})"
            )
    expected = math.prod(len(v) for v in selection.values())
    if cells:
        _check_cells(body, expected, where)


def _check_cells(body: dict, expected: int, where: str) -> None:
    """Cells asked for = values present + cells a status marker declares missing."""
    values = body["value"]
    marked = jsonstat.status_by_position(body, expected)
    if isinstance(values, dict):
        present = sum(1 for k, v in values.items() if v is not None and int(k) < expected)
        unmarked = expected - present - sum(1 for k in marked if str(k) not in values or values[str(k)] is None)
    else:
        unmarked = len(values) != expected or sum(1 for i, v in enumerate(values) if v is None and i not in marked)
        present = sum(1 for v in values if v is not None)
    if unmarked:
        raise AnswerContradicts(
            f"{where}: {present} values for the {expected} cells asked for, the rest without a status"
            f" marker ({len(values)} values sent); an incomplete answer is not loaded"
        )
