"""A stand-in for SCB at national scale, in a process of its own, for the national DAG benchmark
(benchmarks/scale.py): the live client runs against it as against the real API.

SCB is tests/support/fake_scb.py with SCB's real limits (150 000 cells and 30 calls per 10 s in
/config, which the client obeys), serving the GENERATED answers of benchmarks/national.py: the
metadata is the real table metadata the generator used, so the client asks for exactly the
selections (and the 150 000-cell split) the generator answered; each answer (with SCB's ".."
status marker on the cells without a figure, which the generator leaves empty) is looked up by its
selection and sent as bytes prepared at start-up (building 13,7 M cells per run in the server
would time the stand-in, not the warehouse). A selection it has no answer for gets a 400 that
names it. Its own process, so that serving does not compete for the benchmark's GIL. (Kolada's
ÖJ values come from the bundled generated snapshot: `benchmarks/stages.py --kolada-snapshot`.)

    python -m benchmarks.national_api --snapshot /tmp/fou-bench/generated/snapshot_290

prints one JSON line {"url": ...} when it is ready and serves until its stdin closes."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tests.support.fake_scb import FakeScb
from tests.support.fakeserver import Call, FakeServer, Reply


def selection_key(selection) -> tuple:
    """The same key for the client's POSTed list and the generator's {variable: codes}."""
    if isinstance(selection, dict):
        pairs = selection.items()
    else:
        pairs = ((s["variableCode"], s["valueCodes"]) for s in selection)
    return tuple(sorted((k, tuple(v)) for k, v in pairs))


NEXT_MONTH = "2026M03"  # --next-month: TAB6471 has one month more, published later


def serve_generated(server: FakeServer, snapshot: Path, next_month: bool = False) -> dict[str, int]:
    """Route SCB's metadata and data to the generated answers under <snapshot>/scb/<table>/.
    TAB6471 (monthly) is the fake's own; with `next_month` it has one month more and a later
    `updated`, as SCB's table would a month later (TAB638 and TAB5557 stay as they were)."""
    months = ("2026M01", "2026M02", NEXT_MONTH) if next_month else ("2026M01", "2026M02")
    scb = FakeScb(server, max_cells=150_000, max_calls=30, window_s=10, months6471=months)
    if next_month:
        scb.metadata["TAB6471"]["updated"] = "2026-04-14T06:00:00Z"
    answers: dict[str, int] = {}
    for folder in sorted((snapshot / "scb").iterdir()):
        table = folder.name
        meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))["response"]
        scb.metadata[table] = meta
        server.route("GET", f"/tables/{table}/metadata", Reply(200, json.dumps(meta, ensure_ascii=False)))
        bodies = {}
        for path in sorted(folder.glob("generated_*.json")):
            rec = json.loads(path.read_text(encoding="utf-8"))
            body = rec["response"]
            if "status" not in body:  # SCB marks a missing figure ".." (the client refuses unmarked gaps)
                body["status"] = {str(i): ".." for i, v in enumerate(body["value"]) if v is None}
            bodies[selection_key(rec["selection"])] = json.dumps(body, ensure_ascii=False).encode()

        def data(call: Call, bodies=bodies, table=table) -> Reply:
            key = selection_key(json.loads(call.body)["selection"])
            if key not in bodies:
                return Reply(400, {"error": f"no generated answer for this selection of {table}: {key[:2]}…"})
            return Reply(200, bodies[key])

        server.route("POST", f"/tables/{table}/data", data)
        answers[table] = len(bodies)
    return answers


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--snapshot", type=Path, required=True)
    ap.add_argument("--next-month", action="store_true", help="TAB6471 a month later (see serve_generated)")
    a = ap.parse_args()
    with FakeServer() as server:
        answers = serve_generated(server, a.snapshot, a.next_month)
        print(json.dumps({"url": server.url, "answers": answers}), flush=True)
        sys.stdin.read()  # until the benchmark closes our stdin


if __name__ == "__main__":
    main()
