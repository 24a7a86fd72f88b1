"""What analysts read: the example queries of the docs run, every mart is documented, and
dbt docs describe every mart column."""

import json
import re

import duckdb
import pytest

from ingestion import dbt
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


def test_dbt_docs_describe_every_mart_column(published):
    """`make docs` (dbt docs generate): every column of every mart has a description; the wide ÖJ
    view's one-column-per-member (named from config/region.yml) is described on the model."""
    s = published["settings"]
    dbt.run(s, "docs", "generate")
    target = s.data_dir / "dbt_target"
    catalog = json.loads((target / "catalog.json").read_text(encoding="utf-8"))
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
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
    assert (target / "index.html").exists()
    assert undocumented == []
