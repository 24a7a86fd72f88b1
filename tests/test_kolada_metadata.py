"""Parsing the real saved Kolada v3 metadata and values bundled in ingestion/snapshots/kolada,
and the seeded generator of offline values."""

from __future__ import annotations

import gzip
import json

from ingestion.kolada import client as kolada_client
from ingestion.kolada import extract as kolada_extract
from ingestion.kolada import load as kolada_load
from ingestion.settings import Settings
from scripts import build_oj_values, oj_generator


def body(entity: str) -> dict:
    return kolada_extract.snapshot_record_responses(kolada_extract.SNAPSHOT / f"{entity}.json")[0].json()


def test_catalogue_ids_exist_in_the_real_kpi_metadata():
    rows = {r["id"]: r for r in kolada_load.kpi_rows(body("kpi"))}
    cfg = Settings().kpis
    assert 20 <= len(cfg.kpis) <= 40
    missing = [k.id for k in cfg.kpis if k.id not in rows]
    assert missing == []
    areas = {k.area for k in cfg.kpis}
    assert areas == {
        "ekonomiskt bistånd",
        "missbruk och beroende",
        "barn och unga",
        "socialpsykiatri",
        "hemlöshet",
        "IFO övergripande",
    }
    # yes/no KPIs have no direction of better; both codings occur in the real titles
    for k in cfg.kpis:
        if "Ja=1" in rows[k.id]["title"]:
            assert k.direction == "none", k.id
    assert "(Ja=1, Nej=0)" in rows["U28500"]["title"] and "(Ja=1, Nej=2)" in rows["U30426"]["title"]
    assert "kommunenkät ÖJ socialtjänst" in rows["U35537"]["description"]
    assert rows["U31500"]["is_divided_by_gender"] is True and rows["U31500"]["publ_period"] == "2026"


def test_real_municipalities_and_groups():
    munis = kolada_load.municipality_rows(body("municipality"))
    by_id = {m["id"]: m for m in munis}
    assert sum(m["type"] == "K" for m in munis) == 290
    assert by_id["0000"]["title"] == "Riket" and by_id["0001"]["title"] == "Region Stockholm"
    members = Settings().members
    assert {by_id[c]["title"] for c in members} == set(members.values())  # same names as region.yml
    assert kolada_extract.places(
        Settings(),
        kolada_extract.municipality_ids(
            kolada_extract.snapshot_record_responses(kolada_extract.SNAPSHOT / "municipality.json")
        ),
    )[:10] == sorted(members) + ["0001", "0000"]

    groups = kolada_load.group_rows(body("municipality_groups"))
    nordvast = {g["member_id"] for g in groups if g["group_id"] == "G196055"}
    assert len(nordvast) == 7 and "0163" not in nordvast  # Sollentuna is not in Kolada's group
    titles = {g["group_title"] for g in groups}
    assert "Liknande kommuner IFO, Järfälla, 2024" in titles


def test_real_values_parse_unchanged():
    """The real N00945 values (saved unnested by rKolada), put back into the v3 answer shape."""
    real = json.loads((kolada_extract.SNAPSHOT / "data_N00945.real_unnested.json").read_text(encoding="utf-8"))[
        "values"
    ]
    objects = {}
    for v in real:
        obj = objects.setdefault(
            (v["kpi"], v["municipality_id"], v["year"]),
            {"kpi": v["kpi"], "municipality": v["municipality_id"], "period": v["year"], "values": []},
        )
        obj["values"].append({"gender": v["gender"], "count": v["count"], "status": v["status"], "value": v["value"]})
    rows, quarantined = kolada_load.value_rows({"values": list(objects.values())})
    assert quarantined == []  # every real value is a JSON number or null
    assert len(rows) == len(real) == 63
    first = next(r for r in rows if r["municipality_id"] == "0180" and r["period"] == 2000)
    assert first["value"] == 31.32959689 and first["gender"] == "T" and first["status"] == ""
    assert sorted({r["municipality_id"] for r in rows}) == ["0180", "1280", "1480"]


def test_null_values_stay_null_and_deleted_flag_is_read():
    rows, quarantined = kolada_load.value_rows(
        {
            "values": [
                {
                    "kpi": "U1",
                    "municipality": "0114",
                    "period": "2024",
                    "values": [
                        {"gender": "T", "count": 1, "status": "", "value": None},
                        {"gender": "K", "count": 1, "status": "", "value": 0, "isdeleted": True},
                    ],
                }
            ]
        }
    )
    assert quarantined == []  # null is no value, not a bad value
    assert rows[0]["value"] is None and rows[0]["period"] == 2024
    assert rows[1]["value"] == 0.0 and rows[1]["is_deleted"] is True


def test_generator_is_reproducible_and_shaped_like_v3_answers():
    bundled = json.loads(gzip.decompress(kolada_extract.GENERATED_VALUES.read_bytes()))
    again = oj_generator.answers(Settings())
    assert again == bundled  # same seed, same values: the bundle is what the generator makes
    assert "NOT OFFICIAL STATISTICS" in bundled["notice"]
    cfg = Settings().kpis
    kpi_meta = {r["id"]: r for r in kolada_load.kpi_rows(body("kpi"))}
    for a in bundled["answers"]:
        assert a["provenance"] == "generated"
        assert set(a["response"]) == {"count", "values", "next_url", "previous_url"}
        assert a["response"]["count"] == len(a["response"]["values"]) <= kolada_client.PER_PAGE
        path = a["url"].split("/v3/")[1].split("?")[0]
        seg = path.split("/")
        assert all(len(seg[i].split(",")) <= 25 for i in (2, 4, 6))
        for obj in a["response"]["values"]:
            assert set(obj) == {"kpi", "municipality", "period", "values"}
            genders = [v["gender"] for v in obj["values"]]
            assert genders in (["T"], ["T", "K", "M"])
            if "Ja=1, Nej=2" in kpi_meta[obj["kpi"]]["title"]:
                assert obj["values"][0]["value"] in (1.0, 2.0)
    kpis = {o["kpi"] for a in bundled["answers"] for o in a["response"]["values"]}
    assert kpis == {k.id for k in cfg.kpis} - {"N31807"}  # N31807 is a real copy, not generated
    assert bundled["kpis"] == [k for k in cfg.ids if k != "N31807"]
    assert all(k in bundled["notice"] for k in bundled["kpis"])  # the notice names the generated KPIs


def test_the_copy_bundle_is_rebuilt_byte_for_byte_from_the_reference_file(tmp_path, monkeypatch):
    """scripts/build_oj_values.py: the same reference file and generator give the same bytes,
    and the copy has Kolada v3's answer shape with provenance kolada-copy and its origin."""
    ref = build_oj_values.reference_dir()
    copy_path, generated_path = tmp_path / "copy.json.gz", tmp_path / "generated.json.gz"
    monkeypatch.setattr(kolada_extract, "COPY_VALUES", copy_path)
    monkeypatch.setattr(kolada_extract, "GENERATED_VALUES", generated_path)
    build_oj_values.main(ref)
    monkeypatch.undo()
    assert copy_path.read_bytes() == kolada_extract.COPY_VALUES.read_bytes()
    assert generated_path.read_bytes() == kolada_extract.GENERATED_VALUES.read_bytes()
    bundle = json.loads(gzip.decompress(copy_path.read_bytes()))
    assert bundle["kpis"] == ["N31807"] and bundle["provenance"] == "kolada-copy"
    assert "claesludvig/projekt" in bundle["notice"] and "NOT COMPARED WITH KOLADA.SE" in bundle["notice"]
    assert bundle["origin"]["N31807"]["compared_with_kolada_se"] is False
    for a in bundle["answers"]:
        assert a["provenance"] == "kolada-copy" and a["kpis"] == ["N31807"]
        assert set(a["response"]) == {"count", "values", "next_url", "previous_url"}
        for obj in a["response"]["values"]:
            assert set(obj) == {"kpi", "municipality", "period", "values"}
            assert [v["gender"] for v in obj["values"]] == ["T"] and obj["values"][0]["status"] == ""
    places = {o["municipality"] for a in bundle["answers"] for o in a["response"]["values"]}
    assert len(places) == 292 and {"0000", "0001"} <= places and "0003" not in places  # other regions left out


def test_generator_pages_with_next_url_like_the_api():
    b = oj_generator.answers(Settings(), per_page=1000)
    first = b["answers"][0]["response"]
    assert first["count"] == 1000 and first["next_url"].endswith("page=2&per_page=1000")
    assert b["answers"][1]["response"]["previous_url"].endswith("page=1&per_page=1000")
