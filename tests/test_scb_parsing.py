"""json-stat2 parsing on real SCB answers (bundled snapshot and a saved TAB638 answer)."""

import json
import re
from pathlib import Path

import pytest

from ingestion.scb import jsonstat
from ingestion.settings import SNAPSHOT_DIR

DATA = Path(__file__).parent / "data" / "scb"


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))["response"]


def test_tab5557_totals_all_290_municipalities():
    body = load(SNAPSHOT_DIR / "scb/TAB5557/ac392dca4f25fab2.json")
    rows = jsonstat.parse(body)
    assert len(rows) == 290
    by_code = {r["Region"]: r["value"] for r in rows}
    # positions come from category.index even though the keys are re-ordered in the file
    assert by_code["0114"] == 50495  # first value in the answer, Upplands Väsby 2025
    assert by_code["0180"] == 999239  # Stockholm's published total 2025 (README: 999 239)
    assert all(r["Tid"] == "2025" and r["Alder"] == "TotSA" and r["Kon"] == "TotSa" for r in rows)


def test_tab638_cells_sum_over_sex_and_civil_status():
    body = load(DATA / "b3f6cdc3a6ab5818.json")
    rows = jsonstat.parse(body)
    assert len(rows) == 2 * 4 * 1 * 2 * 1 * 8
    uppsala_2005 = sum(r["value"] for r in rows if r["Region"] == "0380" and r["Tid"] == "2005")
    atlas = json.loads((SNAPSHOT_DIR / "scb/TAB638/rebuilt_totals_1968_2024.json").read_text(encoding="utf-8"))
    rebuilt = {(r["Region"], r["Tid"]): r["value"] for r in jsonstat.parse(atlas["response"])}
    assert uppsala_2005 == rebuilt[("0380", "2005")]  # the rebuilt snapshot agrees with a verbatim answer


def test_rebuilt_snapshot_holds_real_totals_for_the_region():
    atlas = json.loads((SNAPSHOT_DIR / "scb/TAB638/rebuilt_totals_1968_2024.json").read_text(encoding="utf-8"))
    rows = {(r["Region"], r["Tid"]): r["value"] for r in jsonstat.parse(atlas["response"])}
    # figures quoted in the reference data README and the 2019 plan
    assert rows[("0125", "2017")] == 27753 and rows[("0123", "2017")] == 76453
    assert rows[("0125", "2016")] == 27406 and rows[("0125", "2024")] == 28910
    assert rows[("00", "2017")] == 10120242 and rows[("00", "2024")] == 10587710
    members = ["0114", "0123", "0125", "0139", "0163", "0183", "0184", "0191"]
    assert sum(rows[(c, "2017")] for c in members) == 424550
    assert sum(rows[(c, "2016")] for c in members) == 415640


def test_list_index_and_sparse_values():
    body = {
        "id": ["A", "B"],
        "size": [2, 2],
        "dimension": {"A": {"category": {"index": ["a1", "a2"]}}, "B": {"category": {"index": {"b2": 1, "b1": 0}}}},
        "value": {"0": 1, "3": 4},
    }
    assert [(r["A"], r["B"], r["value"]) for r in jsonstat.parse(body)] == [
        ("a1", "b1", 1),
        ("a1", "b2", None),
        ("a2", "b1", None),
        ("a2", "b2", 4),
    ]


def test_truncated_or_foreign_answers_are_refused():
    body = load(SNAPSHOT_DIR / "scb/TAB5557/ac392dca4f25fab2.json")
    body["value"] = body["value"][:-1]
    with pytest.raises(jsonstat.JsonStatError, match="289 values for 290 cells"):
        jsonstat.parse(body)
    with pytest.raises(jsonstat.JsonStatError, match="'dimension' is missing"):
        jsonstat.parse({"id": [], "size": [], "value": []})


def column_rows(body):
    cols = jsonstat.columns(body)
    names = [*body["id"], "value", "status"]
    return list(zip(*(cols[n].to_pylist() for n in names)))


def test_columns_give_the_same_cells_in_the_same_order_as_parse():
    """The columnar decoding (np.repeat/np.tile of each dimension's code index) is the
    per-cell parse, cell for cell, on a real answer and on the sparse form."""
    for body in (
        load(SNAPSHOT_DIR / "scb/TAB5557/ac392dca4f25fab2.json"),
        load(SNAPSHOT_DIR / "scb/TAB638/rebuilt_totals_1968_2024.json"),
        {
            "id": ["A", "B", "C"],
            "size": [2, 3, 2],
            "dimension": {
                "A": {"category": {"index": ["a1", "a2"]}},
                "B": {"category": {"index": {"b3": 2, "b1": 0, "b2": 1}}},
                "C": {"category": {"index": ["c1", "c2"]}},
            },
            "value": {str(i): i * 10 for i in range(12) if i % 5},
        },
    ):
        expected = [(*(r[d] for d in body["id"]), r["value"], None) for r in jsonstat.parse(body)]
        assert column_rows(body) == expected


def test_status_markers_are_kept_per_cell():
    body = {
        "id": ["A", "B"],
        "size": [1, 3],
        "dimension": {"A": {"category": {"index": ["a"]}}, "B": {"category": {"index": ["x", "y", "z"]}}},
        "value": [5, None, 7],
        "status": {"1": ".."},
    }
    assert column_rows(body) == [("a", "x", 5, None), ("a", "y", None, ".."), ("a", "z", 7, None)]
    assert column_rows({**body, "status": "B"})[0][-1] == "B"


def test_a_bad_answer_in_a_run_names_its_file_and_loads_nothing_of_the_run(settings):
    """All of a run's answers go into DuckDB as one stream (ingestion/scb/load.py). An answer
    that cannot be decoded stops it with the decoder's own message naming the file (DuckDB
    would wrap it in its own), and the run's other answers are not loaded either."""
    from ingestion import pipeline, warehouse
    from ingestion.scb import load as scb_load

    landed = [Path(p) for p in pipeline.extract_population(settings).landed]
    data = [p for p in landed if json.loads(p.with_suffix(".meta.json").read_text())["kind"] == "data"]
    assert len(data) >= 2
    body = json.loads(data[-1].read_text(encoding="utf-8"))
    body["value"][0] = "12,5"  # decimal comma: not a whole number
    data[-1].write_text(json.dumps(body), encoding="utf-8")

    with pytest.raises(jsonstat.JsonStatError, match=rf"scb {re.escape(str(data[-1]))}: values are not whole"):
        scb_load.load_landed(settings, landed)
    with warehouse.connect(settings.work_db, read_only=True) as con:
        for table in ("raw.scb_population_cells", "raw.scb_population_monthly", "raw.landing_files"):
            assert con.execute(f"select count(*) from {table}").fetchone() == (0,), table

    data[-1].write_text(json.dumps({**body, "value": [0 if v == "12,5" else v for v in body["value"]]}))
    scb_load.load_landed(settings, landed)  # mended: the whole run loads
    with warehouse.connect(settings.work_db, read_only=True) as con:
        shas = {r[0] for r in con.execute("select distinct sha256 from raw.scb_population_cells").fetchall()}
        shas |= {r[0] for r in con.execute("select distinct sha256 from raw.scb_population_monthly").fetchall()}
    assert shas == {json.loads(p.with_suffix(".meta.json").read_text())["sha256"] for p in data}
