"""What analysts read: the example queries of the docs run, every mart is documented, and
dbt docs describe the published file (every mart column, an analysts' overview, port 8081)."""

import hashlib
import json
import os
import re
import subprocess
import sys

import duckdb
import pytest

from ingestion import dbt
from ingestion.errors import FouError
from ingestion.settings import PROJECT_DIR


@pytest.fixture(scope="module")
def published(bundled_warehouse):
    with duckdb.connect(str(bundled_warehouse.published_db), read_only=True) as con:
        yield {"settings": bundled_warehouse, "con": con}


@pytest.mark.parametrize("doc", ["README.md", "docs/report.md"])
def test_example_queries_in_the_docs_run(published, doc):
    text = (PROJECT_DIR / doc).read_text(encoding="utf-8")
    queries = re.findall(r"```sql\n(.*?)```", text, re.S)
    if doc == "README.md":
        assert len(queries) >= 3
    for q in queries:
        assert published["con"].sql(q).fetchall(), q


def test_every_mart_in_the_database_is_documented_for_analysts(published):
    text = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    marts = [
        r[0]
        for r in published["con"]
        .execute("select table_name from information_schema.tables where table_schema = 'marts'")
        .fetchall()
    ]
    assert marts
    assert [m for m in marts if f"`marts.{m}`" not in text] == []


@pytest.fixture(scope="module")
def dbt_docs(published):
    """`fou docs` in its own process, as an analyst runs it (this process holds a connection to
    the file, with another configuration); the published file's SHA-256 before and after."""
    s = published["settings"]
    before = hashlib.sha256(s.published_db.read_bytes()).hexdigest()
    env = {**os.environ, "FOU_DATA_DIR": str(s.data_dir)}
    run = subprocess.run([sys.executable, "-m", "ingestion.cli", "docs"], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    target = s.data_dir / "dbt_docs"
    assert f"dbt docs in {target}" in run.stdout and "fou docs --serve (http://localhost:8081)" in run.stdout
    return {
        "target": target,
        "catalog": json.loads((target / "catalog.json").read_text(encoding="utf-8")),
        "manifest": json.loads((target / "manifest.json").read_text(encoding="utf-8")),
        "unchanged": hashlib.sha256(s.published_db.read_bytes()).hexdigest() == before,
    }


def test_dbt_docs_describe_every_mart_column(published, dbt_docs):
    """Every column of every mart has a description; the wide ÖJ view's one-column-per-member
    (named from config/region.yml) is described on the model."""
    s = published["settings"]
    catalog, manifest = dbt_docs["catalog"], dbt_docs["manifest"]
    members = set(s.members.values())
    undocumented = []
    for uid, node in catalog["nodes"].items():
        if node["metadata"]["schema"] != "marts":
            continue
        described = {k.lower(): v.get("description") for k, v in manifest["nodes"][uid]["columns"].items()}
        undocumented += [
            f"{node['metadata']['name']}.{c}"
            for c in node["columns"]
            if not described.get(c.lower()) and c not in members
        ]
    assert (dbt_docs["target"] / "index.html").exists()
    assert undocumented == []


def test_dbt_docs_describe_the_published_file_read_only(published, dbt_docs):
    """Relations read fou_nordvast.marts.… (the published file), none the work database, every
    mart of the file is in the catalog, and generating them did not change the file."""
    s = published["settings"]
    assert dbt_docs["unchanged"]
    models = [n for n in dbt_docs["manifest"]["nodes"].values() if n["resource_type"] == "model"]
    assert models and {n["database"] for n in models} == {s.published_db.stem}
    assert [n["relation_name"] for n in models if n["relation_name"].startswith('"work"')] == []
    assert dbt_docs["manifest"]["nodes"]["model.fou_nordvast.fct_fees"]["relation_name"] == (
        '"fou_nordvast"."marts"."fct_fees"'
    )
    in_catalog = {
        n["metadata"]["name"] for n in dbt_docs["catalog"]["nodes"].values() if n["metadata"]["schema"] == "marts"
    }
    marts = {
        r[0]
        for r in published["con"]
        .execute("select table_name from information_schema.tables where table_schema = 'marts'")
        .fetchall()
    }
    assert in_catalog == marts
    # the build's own target (its manifest is read by publish) is not where the docs go
    assert dbt_docs["target"] != s.data_dir / "dbt_target"


def test_dbt_docs_open_on_the_analysts_overview(dbt_docs):
    overview = dbt_docs["manifest"]["docs"]["doc.fou_nordvast.__overview__"]
    assert overview["package_name"] == "fou_nordvast"  # the project's, not dbt's stock "Welcome!"
    text = overview["block_contents"]
    for needle in ("marts.fct_fees", "read_only=True", "main.publication", "generated", "8081", "connect again"):
        assert needle in text, needle


def test_dbt_docs_are_served_on_their_own_port(dbt_docs):
    """`fou docs --serve` serves on 8081 (Airflow has 8080); the page and the JSON it fetches."""
    import threading
    import urllib.request

    assert dbt.DOCS_PORT == 8081
    server = dbt.serve_docs(dbt_docs["target"], port=0)  # a free port for the test
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        with urllib.request.urlopen(f"{base}/index.html", timeout=30) as r:
            assert r.status == 200 and b"dbt" in r.read()
        with urllib.request.urlopen(f"{base}/manifest.json", timeout=30) as r:
            assert json.loads(r.read())["docs"]["doc.fou_nordvast.__overview__"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=30)


def test_docs_without_a_published_database_is_one_clear_line(settings):
    with pytest.raises(FouError, match="inget publicerat datalager i .*make run"):
        dbt.docs(settings)
