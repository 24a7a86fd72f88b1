"""json-stat2 (the format of SCB's PxWebApi v2) to long rows."""

from __future__ import annotations

import itertools

from ingestion.errors import SourceError


class JsonStatError(SourceError, ValueError):
    pass


def dimension_codes(body: dict, dim: str) -> list[str]:
    """Codes of a dimension in value order. Positions come from `category.index`, never from
    key order (re-serialised responses put number-like keys first)."""
    index = body["dimension"][dim]["category"]["index"]
    if isinstance(index, list):
        return list(index)
    return sorted(index, key=index.__getitem__)


def parse(body: dict, where: str = "response") -> list[dict[str, object]]:
    """One dict per cell: {dimension id: code, ..., "value": number or None}.

    `value` is row-major in the order of `id` (the last dimension varies fastest)."""
    for key in ("id", "size", "dimension", "value"):
        if key not in body:
            raise JsonStatError(f"{where}: not json-stat2, field {key!r} is missing")
    dims = body["id"]
    codes = [dimension_codes(body, d) for d in dims]
    if [len(c) for c in codes] != list(body["size"]):
        raise JsonStatError(f"{where}: dimension sizes {body['size']} do not match the categories")
    values = body["value"]
    expected = 1
    for n in body["size"]:
        expected *= n
    if isinstance(values, dict):  # sparse form: {"position": value}
        values = [values.get(str(i)) for i in range(expected)]
    if len(values) != expected:
        raise JsonStatError(f"{where}: {len(values)} values for {expected} cells (truncated answer?)")
    return [dict(zip(dims, combo), value=v) for combo, v in zip(itertools.product(*codes), values)]
