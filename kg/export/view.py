"""The HTML view: one self-contained page (vis-network inlined from the pyvis package, no CDN).

Every string from a document is untrusted. The data travels as JSON inside a
`<script type="application/json">` element with `<`, `>` and `&` written as \\u escapes, so no
text can close the element; the page's script puts text into the page only through `textContent`
and links only `http(s):` sources.
"""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import GraphError
from kg.export.rdf import atomic_output
from kg.export.source import GraphSource, as_store, select
from kg.query import run_query

TEMPLATES = Path(__file__).with_name("templates")
_PLACEHOLDER = re.compile(r"/\*\{\{(\w+)\}\}\*/|\{\{(\w+)\}\}")
EVIDENCE_QUERY = "meeting-evidence"
QUOTE_SEPARATOR = "\x1f"


def vis_network_dir() -> Path:
    """vis-network as the pyvis package ships it (read at run time, so nothing is committed twice)."""
    try:
        import pyvis
    except ImportError as exc:
        raise GraphError(f"the HTML view needs the pyvis package for vis-network ({exc})") from None
    candidates = sorted(Path(pyvis.__file__).parent.glob("templates/lib/vis-*/vis-network.min.js"))
    if not candidates:
        raise GraphError("vis-network.min.js not found in the pyvis package")
    return candidates[-1].parent


def view_data(source: GraphSource) -> dict[str, Any]:
    """What the page shows: meetings with their participants, issues, reaffirmations and evidence."""
    store = as_store(source)
    things = {row["thing"]: row for row in select(store, "view-things")}
    meetings = [meeting_record(row) for row in select(store, "view-meetings")]
    by_id = {m["id"]: m for m in meetings}
    add_links(store, by_id)
    add_reaffirmations(store, by_id)
    add_evidence(store, by_id)
    officials = {iri: {"label": r["label"] or iri, "title": r["title"], "country": r["country"]}
                 for iri, r in things.items() if r["type"] == "official"}
    issues = {iri: {"label": r["label"] or iri} for iri, r in things.items() if r["type"] == "issue"}
    return {
        "meetings": meetings,
        "officials": officials,
        "issues": issues,
        "countries": sorted({o["country"] for o in officials.values() if o["country"]}),
        "years": sorted({m["year"] for m in meetings if m["year"]}),
    }


def meeting_record(row: dict[str, str]) -> dict[str, Any]:
    return {
        "id": row["meeting"], "label": row["label"] or row["meeting"], "date": row["date"],
        "year": row["date"][:4], "dateText": row["dateText"], "kind": row["kind"],
        "status": row["status"] or "Held", "place": row["place"],
        "participants": [], "issues": [], "reaffirmations": [], "evidence": [],
    }


def add_links(store: ox.Store, meetings: dict[str, dict[str, Any]]) -> None:
    for row in select(store, "view-links"):
        meeting = meetings.get(row["meeting"])
        if meeting is not None:
            meeting["participants" if row["relation"] == "participant" else "issues"].append(row["target"])


def add_reaffirmations(store: ox.Store, meetings: dict[str, dict[str, Any]]) -> None:
    for row in select(store, "view-reaffirmations"):
        meeting = meetings.get(row["meeting"])
        if meeting is not None:
            quotes = [q for q in row["quotes"].split(QUOTE_SEPARATOR) if q]
            meeting["reaffirmations"].append(
                {"article": row["article"], "label": row["label"] or row["article"],
                 "stance": row["stance"], "quotes": quotes})


def add_evidence(store: ox.Store, meetings: dict[str, dict[str, Any]]) -> None:
    result = run_query(EVIDENCE_QUERY, store=store)
    seen: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for record in result.as_dicts():
        meeting = meetings.get(str(record.get("meeting", "")))
        quote = str(record.get("quote", ""))
        about = str(record.get("about", ""))
        if meeting is None or not quote or (about, quote) in seen[meeting["id"]]:
            continue
        seen[meeting["id"]].add((about, quote))
        meeting["evidence"].append({
            "about": about, "quote": quote, "file": str(record.get("file", "")),
            "title": str(record.get("title", "")), "source": str(record.get("source", "")),
        })


def script_json(data: Any) -> str:
    """JSON that cannot end the <script> element it sits in, whatever the strings hold."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def inline_script(code: str) -> str:
    """A library's code, safe to put between <script> tags."""
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE)


def render_html(source: GraphSource, title: str = "readout-kg network") -> str:
    """The whole page as one string."""
    vis = vis_network_dir()
    parts = {
        "title": html.escape(title),
        "vis_css": (vis / "vis-network.css").read_text(encoding="utf-8"),
        "vis_js": inline_script((vis / "vis-network.min.js").read_text(encoding="utf-8")),
        "view_css": (TEMPLATES / "view.css").read_text(encoding="utf-8"),
        "view_js": inline_script((TEMPLATES / "view.js").read_text(encoding="utf-8")),
        "data": script_json(view_data(source)),
    }
    template = (TEMPLATES / "view.html").read_text(encoding="utf-8")
    # one pass, so a placeholder-like text inside an inserted part is left alone
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1) or m.group(2)], template)


def export_html(source: GraphSource, out: str | Path, title: str = "readout-kg network") -> Path:
    target = Path(out)
    with atomic_output(target) as temporary:
        temporary.write_text(render_html(source, title), encoding="utf-8")
    return target
