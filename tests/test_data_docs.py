"""GX Data Docs open offline and keep only the latest runs (ingestion/data_docs.py).

The index is opened in headless Chromium with the network cut (a proxy that refuses every
connection and a resolver that resolves nothing), driven over the DevTools protocol: every
request the page makes is recorded, the page's tables and computed styles are read back, and
a screenshot is kept (FOU_DATA_DOCS_SCREENSHOT=/tmp/x.png keeps a copy for a look)."""

import json
import os
import shutil
import subprocess
import threading
from contextlib import ExitStack
from pathlib import Path

import pytest

from ingestion import data_docs, quality
from tests.support.helpers import chromium_or_skip


@pytest.fixture(scope="module")
def two_runs(bundled_warehouse, tmp_path_factory):
    """A copy of the bundled data dir, with the quality gate run a second time: two runs per suite."""
    data_dir = tmp_path_factory.mktemp("docs") / "data"
    shutil.copytree(bundled_warehouse.data_dir, data_dir)
    s = bundled_warehouse.model_copy(update={"data_dir": data_dir})
    result = quality.run(s)
    return s, result


def _pages(docs: Path) -> list[Path]:
    return sorted((docs / "validations").rglob("*.html"))


def test_pages_reference_only_vendored_assets(two_runs):
    s, result = two_runs
    docs = quality.data_docs_dir(s)
    pages = [docs / "index.html", *_pages(docs), *sorted((docs / "expectations").rglob("*.html"))]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for url in data_docs.CDN:
            assert url not in html, f"{page}: {url}"
        assert "amazonaws.com" not in html and "integrity=" not in html, page
    for name in data_docs.SOURCES:
        assert (docs / "static" / "vendor" / name).exists(), name
    assert (docs / "static" / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.woff2").stat().st_size > 10_000


def test_unknown_external_asset_is_left_and_reported():
    unknown = set()
    html = (
        '<script src="https://example.invalid/x.js"></script>'
        '<link href="https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css" rel="stylesheet"/>'
    )
    out = data_docs.localise_html(html, "../static", unknown)
    assert out == '<script src="https://example.invalid/x.js"></script>'
    assert unknown == {"https://example.invalid/x.js"}


class DevTools:
    """A minimal DevTools-protocol client over one page (flattened session on the browser socket)."""

    def __init__(self, browser: str, profile: Path):
        self.proc = subprocess.Popen(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--proxy-server=127.0.0.1:9",  # discard port: nothing listens, every connection is refused
                "--host-resolver-rules=MAP * ~NOTFOUND",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                "--window-size=1400,1000",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for line in self.proc.stderr:
            if line.startswith("DevTools listening on "):
                url = line.split(" on ", 1)[1].strip()
                break
        else:
            raise AssertionError("chromium printed no DevTools address")
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()  # keep the pipe from filling
        from websockets.sync.client import connect

        self.stack = ExitStack()
        self.ws = self.stack.enter_context(connect(url, max_size=None, open_timeout=30))
        self.next_id, self.events = 0, []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]

    def call(self, method: str, session: bool = False, **params):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        self.ws.send(json.dumps(msg))
        while True:
            reply = json.loads(self.ws.recv(timeout=60))
            if reply.get("id") == self.next_id:
                assert "error" not in reply, reply
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, method: str):
        while not any(e.get("method") == method for e in self.events):
            self.events.append(json.loads(self.ws.recv(timeout=60)))

    def close(self):
        self.stack.close()
        self.proc.terminate()
        self.proc.wait(timeout=30)


PROBE = """JSON.stringify({
  validations: $('#section-1-content-block-2-1-body-table tbody tr')
    .map((i, tr) => $(tr).text().replace(/\\s+/g, ' ').trim()).get(),
  suites: $('#section-1-content-block-2-2-body-table tbody tr').map((i, tr) => $(tr).text().trim()).get(),
  links: $('#section-1-content-block-2-1-body-table tbody tr').map((i, tr) => $(tr).attr('data-href')).get(),
  bootstrap: getComputedStyle(document.querySelector('.navbar')).position,
  tabs: getComputedStyle(document.querySelector('.nav-tabs')).borderBottomStyle,
  icon: getComputedStyle(document.querySelector('.fas'), '::before').fontFamily,
  iconFont: document.fonts.check('900 16px "Font Awesome 6 Free"'),
  logo: document.querySelector('.navbar-brand img').naturalWidth,
})"""


def test_index_renders_offline_in_chromium(two_runs, tmp_path):
    browser = chromium_or_skip()
    s, result = two_runs
    index = quality.data_docs_dir(s) / "index.html"
    tools = DevTools(browser, tmp_path / "profile")
    try:
        tools.call("Network.enable", session=True)
        tools.call("Page.enable", session=True)
        tools.call("Page.navigate", session=True, url=index.resolve().as_uri())
        tools.wait_for("Page.loadEventFired")
        tools.call("Runtime.evaluate", session=True, expression="document.fonts.ready", awaitPromise=True)
        seen = json.loads(tools.call("Runtime.evaluate", session=True, expression=PROBE)["result"]["value"])
        shot = tools.call("Page.captureScreenshot", session=True, format="png")["data"]
    finally:
        tools.close()
    import base64

    (tmp_path / "index.png").write_bytes(base64.b64decode(shot))
    if os.environ.get("FOU_DATA_DOCS_SCREENSHOT"):
        shutil.copyfile(tmp_path / "index.png", os.environ["FOU_DATA_DOCS_SCREENSHOT"])

    requests = [e["params"]["request"]["url"] for e in tools.events if e.get("method") == "Network.requestWillBeSent"]
    failed = [e["params"] for e in tools.events if e.get("method") == "Network.loadingFailed"]
    assert requests, "no request recorded: the probe saw nothing"
    assert [u for u in requests if not u.startswith(("file://", "data:"))] == []
    assert failed == []
    assert any(u.endswith("/static/vendor/table.js") for u in requests)
    # the index lists every suite and every validation of both runs, the latest first
    suites = sorted(result.checked)
    assert sorted(seen["suites"]) == suites
    assert len(seen["validations"]) == 2 * len(suites)
    latest = max(str(k.run_id.run_time) for k in quality.gx_context(s).validation_results_store.list_keys())
    assert latest[:16].replace("T", " ") in seen["validations"][0]
    assert all(link.startswith("validations/") for link in seen["links"])
    # styles applied: Bootstrap (sticky navbar, tab borders), Font Awesome's font, GX's local logo
    assert seen["bootstrap"] == "sticky" and seen["tabs"] == "solid"
    assert "Font Awesome 6 Free" in seen["icon"] and seen["iconFont"] is True
    assert seen["logo"] > 0


def test_only_the_latest_runs_are_kept(two_runs):
    """Last in this module: it prunes the shared copy to one run per suite."""
    s, result = two_runs
    docs = quality.data_docs_dir(s)
    context = quality.gx_context(s)
    suites = set(result.checked)
    before = _pages(docs)
    assert len(before) == 2 * len(suites)  # both runs, well under KEEP_RUNS
    data_docs.finish(context, docs, keep=1)
    pages = _pages(docs)
    assert len(pages) == len(suites)
    assert {p.relative_to(docs / "validations").parts[0] for p in pages} == suites
    assert len(context.validation_results_store.list_keys()) == len(suites)
    index = (docs / "index.html").read_text(encoding="utf-8")
    for p in before:  # the index links exactly the pages that remain
        assert (p.relative_to(docs).as_posix() in index) == (p in pages), p
    assert "static/vendor/table.js" in index  # the rebuilt index is localised again
