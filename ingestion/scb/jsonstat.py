"""json-stat2 (the format of SCB's PxWebApi v2) to long rows."""

from __future__ import annotations

import itertools
import math

from ingestion.errors import JsonStatError


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


def status_by_position(body: dict, cells: int) -> dict[int, str]:
    """json-stat2 `status`: one string for every cell, a list, or {"position": marker}."""
    status = body.get("status")
    if status is None:
        return {}
    if isinstance(status, str):
        return dict.fromkeys(range(cells), status)
    if isinstance(status, list):
        return {i: s for i, s in enumerate(status) if s is not None}
    return {int(k): v for k, v in status.items() if v is not None}


def columns(body: dict, where: str = "response") -> dict[str, object]:
    """The cells as columns without a Python object per cell: for dimension i of sizes
    s_0…s_n (row-major, last fastest) its code index is repeat(arange(s_i), inner) tiled
    `outer` times. Returns {dimension id: dictionary-encoded string array (the index into the
    dimension's codes; DuckDB reads it as text), "value": int64, "status": the same}."""
    import numpy as np
    import pyarrow as pa

    for key in ("id", "size", "dimension", "value"):
        if key not in body:
            raise JsonStatError(f"{where}: not json-stat2, field {key!r} is missing")
    dims, sizes = body["id"], list(body["size"])
    codes = [dimension_codes(body, d) for d in dims]
    if [len(c) for c in codes] != sizes:
        raise JsonStatError(f"{where}: dimension sizes {sizes} do not match the categories")
    cells = math.prod(sizes)
    values = body["value"]
    if isinstance(values, dict):  # sparse form: {"position": value}
        dense = [None] * cells
        for k, v in values.items():
            dense[int(k)] = v
        values = dense
    if len(values) != cells:
        raise JsonStatError(f"{where}: {len(values)} values for {cells} cells (truncated answer?)")
    out: dict[str, object] = {}
    for i, (dim, dim_codes) in enumerate(zip(dims, codes)):
        inner, outer = math.prod(sizes[i + 1 :]), math.prod(sizes[:i])
        index = np.tile(np.repeat(np.arange(sizes[i], dtype=np.int32), inner), outer)
        out[dim] = pa.DictionaryArray.from_arrays(index, pa.array(dim_codes, pa.string()))
    try:
        out["value"] = pa.array(values).cast(pa.int64())
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise JsonStatError(f"{where}: values are not whole numbers ({exc})") from exc
    out["status"] = _status_column(status_by_position(body, cells), cells)
    return out


def _status_column(status: dict[int, str], cells: int):
    """The status markers as a dictionary array: null where a cell has none."""
    import numpy as np
    import pyarrow as pa

    markers = sorted(set(status.values()))
    index = np.full(cells, -1, dtype=np.int32)
    if status:
        code = {m: i for i, m in enumerate(markers)}
        index[np.fromiter(status, dtype=np.int64, count=len(status))] = [code[m] for m in status.values()]
    return pa.DictionaryArray.from_arrays(pa.array(index, mask=index < 0), pa.array(markers, pa.string()))
