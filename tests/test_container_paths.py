"""The image runs the project's code, not the checkout's: the containers' view of the code, rebuilt
here without Docker (issue 13 item 8).

What the Dockerfile does, done with the same inputs: the build context is the checkout minus
.dockerignore; the dependencies come pinned from uv.lock; the project is installed non-editable;
FOU_PROJECT_DIR points at the copied folder; Airflow puts only the dags folder on the import path.
A module that the wheel leaves out (as `report/` once was) fails to import here as it would in the
container, with `ModuleNotFoundError`."""

import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
UV = PROJECT_DIR / ".tools" / "bin" / "uv"
PACKAGES = ("ingestion", "report", "expectations")


def dockerfile_steps() -> dict:
    text = (PROJECT_DIR / "Dockerfile").read_text(encoding="utf-8")
    copies = re.findall(r"^COPY (?:--\S+ )*(.+?) (\S+)$", text, flags=re.M)
    env = dict(re.findall(r"^ENV (\w+)=(\S+)$", text, flags=re.M))
    return {"text": text, "copies": [(src.split(), dest) for src, dest in copies], "env": env}


def ignored(rel: str, patterns: list[str]) -> bool:
    """.dockerignore: a pattern excludes the path it matches and everything under it."""
    parts = rel.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        pattern = pattern.strip("/")
        deep = pattern.removeprefix("**/")
        for prefix in prefixes:
            if fnmatch.fnmatchcase(prefix, pattern) or (
                deep != pattern and fnmatch.fnmatchcase(prefix.rsplit("/", 1)[-1], deep)
            ):
                return True
    return False


def build_context(dest: Path) -> None:
    """What `COPY . /opt/fou/` copies: the checkout (tracked or not) minus .dockerignore."""
    ignore = (PROJECT_DIR / ".dockerignore").read_text(encoding="utf-8").split()
    for root, dirs, files in os.walk(PROJECT_DIR):
        rel_root = Path(root).relative_to(PROJECT_DIR).as_posix()
        rel = [] if rel_root == "." else [rel_root]
        dirs[:] = [d for d in dirs if not ignored("/".join([*rel, d]), ignore)]
        for name in files:
            path = "/".join([*rel, name])
            if not ignored(path, ignore):
                (dest / path).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(PROJECT_DIR / path, dest / path)


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    """/opt/fou and the image's Python, rebuilt in a temporary folder."""
    steps = dockerfile_steps()
    assert steps["copies"] == [(["pyproject.toml", "uv.lock"], "/opt/fou/"), (["."], "/opt/fou/")]
    assert "uv export --project /opt/fou --frozen --no-dev" in steps["text"]
    assert "pip install --no-cache-dir --no-deps /opt/fou" in steps["text"]  # non-editable
    assert steps["env"] == {"FOU_PROJECT_DIR": "/opt/fou"}
    root = tmp_path_factory.mktemp("image")
    opt_fou, venv = root / "opt" / "fou", root / "venv"
    build_context(opt_fou)
    assert not (opt_fou / ".venv").exists() and not (opt_fou / "data").exists()
    # the lock's pinned wheels (as `uv export --no-dev` in the Dockerfile), then the project as a
    # wheel; offline from uv's cache, which `make test` filled when it synced .venv
    subprocess.run(
        [str(UV), "sync", "--quiet", "--frozen", "--no-dev", "--no-editable", "--offline", "--python", sys.executable],
        cwd=opt_fou,
        env={**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv)},
        check=True,
    )
    workdir = root / "opt" / "airflow"  # the containers' working directory
    workdir.mkdir(parents=True)
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(root),
        "FOU_PROJECT_DIR": str(opt_fou),
        "FOU_DATA_DIR": str(root / "data"),
        "AIRFLOW_HOME": str(workdir),
        "AIRFLOW__CORE__DAGS_FOLDER": str(opt_fou / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "false",
    }
    return {"opt_fou": opt_fou, "venv": venv, "cwd": workdir, "env": env}


def in_image(image, *args: str, code: str | None = None, stdin: str | None = None):
    cmd = [str(image["venv"] / "bin" / "python"), "-c", textwrap.dedent(code)] if code else list(args)
    return subprocess.run(
        cmd, cwd=image["cwd"], env=image["env"], input=stdin, capture_output=True, text=True, timeout=300
    )


IMPORT_EVERYTHING = """
    import ast, importlib, importlib.util, json, os, pkgutil
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(os.environ["AIRFLOW__CORE__DAGS_FOLDER"])
    dag = bag.dags["monthly_load"]
    modules = {t.python_callable.__module__ for t in dag.tasks if getattr(t, "python_callable", None)}
    for package in ("ingestion", "report", "expectations"):
        root = importlib.import_module(package)
        modules |= {m.name for m in pkgutil.walk_packages(root.__path__, package + ".")}
    files = {name: importlib.import_module(name).__file__ for name in sorted(modules)}
    # imports inside functions run only when a task runs: each must resolve here too
    lazy = set()
    for name, path in files.items():
        for node in ast.walk(ast.parse(open(path, encoding="utf-8").read())):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                lazy.add(node.module)
            elif isinstance(node, ast.Import):
                lazy |= {alias.name for alias in node.names}
    missing = sorted(m for m in lazy if importlib.util.find_spec(m.split(".")[0]) is None)
    print(json.dumps({"errors": {k: v for k, v in bag.import_errors.items()}, "tasks": len(dag.tasks),
                      "files": files, "missing": missing}))
"""


def test_the_dag_and_every_task_module_import_from_the_installed_project(image):
    result = in_image(image, code=IMPORT_EVERYTHING)
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["errors"] == {} and seen["tasks"] >= 9
    assert seen["missing"] == []
    site = str(image["venv"] / "lib")
    dags = str(image["opt_fou"] / "dags")
    for name, path in seen["files"].items():
        # the package's code comes from the wheel in site-packages, never from the copied sources
        assert path.startswith(site) or path.startswith(dags), (name, path)
    assert {n.split(".")[0] for n in seen["files"]} >= set(PACKAGES)
    # the task callables live in the DAG file (DagBag imports it under a mangled module name)
    assert any(path == f"{dags}/monthly_load.py" for path in seen["files"].values())


def test_the_wheel_carries_the_files_the_code_reads(image):
    site = next((image["venv"] / "lib").glob("python3.*/site-packages"))
    for package in PACKAGES:
        sources = {p.relative_to(PROJECT_DIR) for p in (PROJECT_DIR / package).rglob("*") if p.is_file()}
        sources = {p for p in sources if "__pycache__" not in p.parts and "snapshots" not in p.parts}
        installed = {p.relative_to(site) for p in (site / package).rglob("*") if p.is_file()}
        assert sources <= installed, sorted(map(str, sources - installed))[:5]


def test_the_analyst_entrypoint_runs_from_the_installed_project(image):
    db = Path(image["env"]["FOU_DATA_DIR"]) / "warehouse" / "fou_nordvast.duckdb"
    db.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(db)) as con:
        con.execute("create schema marts; create table marts.fct_fee_totals as select 2019 as fee_year")
    assert in_image(image, "fou", "--help").returncode == 0
    # compose's analyst service: entrypoint ["fou", "sql"], fed a statement on stdin
    result = in_image(image, "fou", "sql", stdin="select fee_year from marts.fct_fee_totals;\n")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "2019" in result.stdout
