"""Great Expectations Data Docs that open offline, with only the latest runs kept.

GX's page templates take Bootstrap, jQuery, Font Awesome, Vega, bootstrap-table and more from
CDNs (and a logo from S3 with the data context id in the query string). Offline, as on many
municipal networks, the index then shows empty lists and unstyled pages. After every build the
pages are rewritten to use copies in <data_docs>/static/vendor/, copied from Python packages in
uv.lock (XStatic-*, django-js-lib-vega-embed): nothing is fetched at run time, nothing is
vendored by hand. bootstrap-table is on no Python index, so the index tables are drawn by
data_docs_table.js next to this module (a small stand-in for the calls GX's index makes).

Validation results of each suite beyond the latest KEEP_RUNS are removed from the GX store;
the index is then rebuilt, and GX itself removes their pages (its index builder drops pages
whose result is gone). See docs/quality.md."""

from __future__ import annotations

import logging
import os
import re
from collections import defaultdict
from importlib.resources import files
from pathlib import Path

log = logging.getLogger(__name__)

KEEP_RUNS = 12  # validation results kept per suite (one per monthly load)

# vendored file under static/vendor/ → (Python package, path inside it); a trailing "/" copies a folder
SOURCES = {
    "jquery/jquery.min.js": ("xstatic.pkg.jquery", "data/jquery.min.js"),
    "bootstrap/css/bootstrap.min.css": ("xstatic.pkg.bootstrap", "data/css/bootstrap.min.css"),
    "bootstrap/js/bootstrap.bundle.min.js": ("xstatic.pkg.bootstrap", "data/js/bootstrap.bundle.min.js"),
    "fontawesome/css/all.min.css": ("xstatic.pkg.font_awesome", "data/css/all.min.css"),
    "fontawesome/webfonts/": ("xstatic.pkg.font_awesome", "data/webfonts/"),
    "vega/vega.min.js": ("js_lib_vega_embed", "static/js_lib_vega_embed/vega5.js"),
    "vega/vega-lite.min.js": ("js_lib_vega_embed", "static/js_lib_vega_embed/vega-lite5.js"),
    "vega/vega-embed.min.js": ("js_lib_vega_embed", "static/js_lib_vega_embed/vega-embed6.js"),
    "table.js": ("ingestion", "data_docs_table.js"),
}

_FILTER_CONTROL = (
    "https://unpkg.com/bootstrap-table@{}/dist/extensions/filter-control/bootstrap-table-filter-control.{}"
)
# every CDN URL in GX 1.24's templates → the vendored file, or None: the tag is dropped
# (Popper is inside bootstrap.bundle; filter controls, the date picker of the filter and the
# dark theme are not drawn by table.js or not needed)
CDN = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/jquery.min.js",
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap/css/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap/js/bootstrap.bundle.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": None,
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "fontawesome/css/all.min.css",
    "https://cdn.jsdelivr.net/npm/vega@5": "vega/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega/vega-embed.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "table.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": None,
    _FILTER_CONTROL.format("1.19.1", "min.js"): None,
    _FILTER_CONTROL.format("1.19.0", "css"): None,
    _FILTER_CONTROL.format("1.19.0", "min.css"): None,
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": None,
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": None,
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": None,
}

_TAG = re.compile(r'<(script|link)\b[^>]*?\b(?:src|href)="(https?://[^"]+)"[^>]*>(?:\s*</script>)?', re.S)
# GX's logo (img src, and a CSS background in dark mode) comes from S3 with the context id appended
_S3_IMAGE = re.compile(r"https://great-expectations-web-assets\.s3\.[\w.-]+\.amazonaws\.com/([\w.-]+)(\?[^\"')\s]*)?")


def finish(context, docs: Path, keep: int = KEEP_RUNS) -> None:
    """After context.build_data_docs: drop old runs, rebuild the index if any went, vendor the
    assets and point every page at them."""
    if prune(context, keep):
        from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

        # an identifier that matches no page: no page is re-rendered, only the index is rebuilt
        context.build_data_docs(resource_identifiers=[ExpectationSuiteIdentifier("__index_only__")])
    vendor(docs)
    localise(docs)


def prune(context, keep: int = KEEP_RUNS) -> int:
    """Remove each suite's validation results beyond the latest `keep` from the GX store."""
    store = context.validation_results_store
    by_suite = defaultdict(list)
    for key in store.list_keys():
        by_suite[key.expectation_suite_identifier.name].append(key)
    removed = 0
    for keys in by_suite.values():
        keys.sort(key=lambda k: str(k.run_id.run_time), reverse=True)
        for key in keys[keep:]:
            store.remove_key(key)
            removed += 1
    if removed:
        log.info("QUALITY: removed %s validation result(s) older than the latest %s run(s)", removed, keep)
    return removed


def vendor(docs: Path) -> Path:
    """Copy the vendored assets into <docs>/static/vendor/ (only what changed)."""
    target = docs / "static" / "vendor"
    for name, (package, inner) in SOURCES.items():
        source = files(package).joinpath(inner)
        if name.endswith("/"):
            for item in source.iterdir():
                _copy(item, target / name / item.name)
        else:
            _copy(source, target / name)
    return target


def _copy(source, dest: Path) -> None:
    data = source.read_bytes()
    if dest.exists() and dest.stat().st_size == len(data) and dest.read_bytes() == data:
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)


def localise(docs: Path) -> int:
    """Rewrite every page under `docs` to the vendored assets; returns the pages changed. An
    external asset not in CDN (a newer GX) is left as it is and logged."""
    changed, unknown = 0, set()
    for page in docs.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        new = localise_html(html, os.path.relpath(docs / "static", page.parent).replace(os.sep, "/"), unknown)
        if new != html:
            page.write_text(new, encoding="utf-8")
            changed += 1
    for url in sorted(unknown):
        log.warning("QUALITY: Data Docs load %s from the network (not vendored, see ingestion/data_docs.py)", url)
    return changed


def localise_html(html: str, static: str, unknown: set[str] | None = None) -> str:
    """One page: CDN tags → local tags (without integrity attributes, which name the CDN files),
    S3 images → GX's own copies in static/images/. `static` is the page's relative path to static/."""

    def tag(match: re.Match) -> str:
        kind, url = match.group(1), match.group(2)
        if url not in CDN:
            if unknown is not None and not _S3_IMAGE.match(url):
                unknown.add(url)
            return match.group(0)
        local = CDN[url]
        if local is None:
            return ""
        href = f"{static}/vendor/{local}"
        return f'<script src="{href}"></script>' if kind == "script" else f'<link rel="stylesheet" href="{href}">'

    html = _TAG.sub(tag, html)
    return _S3_IMAGE.sub(lambda m: f"{static}/images/{_local_image(m.group(1))}", html)


def _local_image(name: str) -> str:
    """GX ships logo-long.png in static/images; its dark-mode logo is only on S3."""
    return name if name in {"logo-long.png", "short-logo.png", "favicon.ico"} else "logo-long.png"
