"""The measured work, one kind per child process: `python -m bench.workers KIND ...`.

Each worker prints one JSON object on its last line of stdout; bench.run measures the process
(wall time, peak memory) from outside and keeps the figures the worker reports from inside.
"""

from __future__ import annotations

import argparse
import json
import signal
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

from bench import queries as saved
from bench import violations


def strip_front_matter(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end >= 0:
            return text[end + 5 :]
    return text


# ---------------------------------------------------------------- the spaCy floor


def official_names() -> list[str]:
    """Names a PhraseMatcher looks for: the reference officials, or the corpus's people without it."""
    try:
        from kg.reference.load import load_reference

        return sorted({name for o in load_reference().officials.values() for name in (o.label, *o.names)})
    except Exception:  # the floor needs names, not the project: fall back to the corpus's own
        from bench.generate import load_vocabulary

        people = [p for group in load_vocabulary().officials.values() for p in group]
        return sorted(
            {f"{p.given} {p.family}" for p in people} | {f"{p.family.upper()} {p.given}" for p in people}
        )


def spacy_floor(corpus: Path, limit: int | None) -> dict[str, Any]:
    """A blank English pipeline with a sentencizer and a PhraseMatcher over officials' names, one core."""
    import spacy
    from spacy.matcher import PhraseMatcher

    start = time.perf_counter()
    files = sorted(corpus.glob("*.txt"))[:limit]
    texts = [strip_front_matter(p.read_text(encoding="utf-8")) for p in files]
    read_s = time.perf_counter() - start
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    matcher = PhraseMatcher(nlp.vocab)
    names = official_names()
    matcher.add("OFFICIAL", [nlp.make_doc(name) for name in names])
    start = time.perf_counter()
    sentences = matches = 0
    for doc in nlp.pipe(texts, batch_size=256):
        matches += len(matcher(doc))
        sentences += sum(1 for _ in doc.sents)
    nlp_s = time.perf_counter() - start
    words = sum(len(t.split()) for t in texts)
    return {
        "documents": len(texts),
        "words_per_document": round(words / max(len(texts), 1), 1),
        "names": len(names),
        "sentences": sentences,
        "matches": matches,
        "read_s": round(read_s, 3),
        "nlp_s": round(nlp_s, 3),
        "documents_per_s": round(len(texts) / nlp_s, 1),
    }


# ---------------------------------------------------------------- queries


class QueryTimeout(Exception):
    pass


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise QueryTimeout


REPEAT_BUDGET_S = 3.0  # a query slower than this (all its runs together) is not repeated further


def timed_runs(run_once: Callable[[], int], runs: int, timeout_s: float | None) -> dict[str, Any]:
    """Run a query up to `runs` times; with a timeout, stop at a run that passes it, and repeat only
    while the runs so far stay under it (a slow rdflib query is timed once, not three times);
    without one, repeat only while the runs so far stay under REPEAT_BUDGET_S."""
    times: list[float] = []
    rows = -1
    for _ in range(runs):
        if timeout_s:
            signal.signal(signal.SIGALRM, _on_alarm)
            signal.setitimer(signal.ITIMER_REAL, timeout_s)
        start = time.perf_counter()
        try:
            rows = run_once()
        except QueryTimeout:
            return {"times_s": times, "rows": rows, "timeout_s": timeout_s}
        except Exception as exc:  # one failing query must not hide the others' figures
            return {"times_s": times, "rows": rows, "error": f"{type(exc).__name__}: {exc}"[:500]}
        finally:
            if timeout_s:
                signal.setitimer(signal.ITIMER_REAL, 0)
        times.append(time.perf_counter() - start)
        if sum(times) > (timeout_s or REPEAT_BUDGET_S):
            break
    return {"times_s": [round(t, 6) for t in times], "rows": rows}


def count_rows(result: Any) -> int:
    if isinstance(result, bool):
        return int(result)
    return sum(1 for _ in result)


def rdflib_queries(
    graph: Path, query_dir: Path | None, runs: int, timeout_s: float, budget_s: float
) -> dict[str, Any]:
    from rdflib import Graph, URIRef
    from rdflib.query import ResultRow

    start = time.perf_counter()
    data = Graph()
    data.parse(graph, format="turtle")
    load_s = time.perf_counter() - start

    def pick(text: str) -> dict[str, str]:
        for row in data.query(text):
            assert isinstance(row, ResultRow)
            return {str(k): f"<{v}>" if isinstance(v, URIRef) else str(v) for k, v in row.asdict().items()}
        return {}

    results: dict[str, Any] = {}
    spent = time.perf_counter()
    for name, text in saved.article_query_first(saved.bench_queries(query_dir, pick)):
        left = budget_s - (time.perf_counter() - spent)
        if left <= 0:
            results[name] = {"times_s": [], "rows": -1, "skipped": f"the {budget_s:.0f} s budget was spent"}
            continue

        def once(text: str = text) -> int:
            answer = data.query(text)
            return int(bool(answer.askAnswer)) if answer.type == "ASK" else count_rows(answer)

        results[name] = timed_runs(once, runs, min(timeout_s, left))
    return {
        "engine": "rdflib memory",
        "triples": len(data),
        "load_s": round(load_s, 3),
        "queries": results,
        "oxigraph_same_graph": same_graph_oxigraph(graph, query_dir, pick, runs),
    }


def same_graph_oxigraph(graph: Path, query_dir: Path | None, pick: Any, runs: int) -> dict[str, Any]:
    """The queries rdflib answered, on the same graph in an in-memory Oxigraph store (the same
    parameters: rdflib picked them), for a comparison of engines on equal data."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(graph), format=ox.RdfFormat.TURTLE)
    results = {}
    for name, text in saved.bench_queries(query_dir, pick):

        def once(text: str = text) -> int:
            answer = store.query(text)
            return int(bool(answer)) if isinstance(answer, ox.QueryBoolean) else count_rows(answer)

        warm = timed_runs(once, 1, None)
        results[name] = warm if sum(warm["times_s"]) > REPEAT_BUDGET_S else timed_runs(once, runs, None)
    return {"engine": "pyoxigraph in memory", "triples": len(store), "queries": results}


def oxigraph_load(graph: Path, store_dir: Path) -> dict[str, Any]:
    import pyoxigraph as ox

    start = time.perf_counter()
    store = ox.Store(str(store_dir))
    store.bulk_load(path=str(graph), format=ox.RdfFormat.TURTLE)
    store.flush()
    store.optimize()
    load_s = time.perf_counter() - start
    return {"triples": len(store), "load_s": round(load_s, 3)}


def oxigraph_queries(
    store_dir: Path, query_dir: Path | None, runs: int, listings: bool = True
) -> dict[str, Any]:
    import pyoxigraph as ox

    start = time.perf_counter()
    store = ox.Store.read_only(str(store_dir))
    open_s = time.perf_counter() - start
    def pick(text: str) -> dict[str, str]:
        solutions = store.query(text)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            return {n: _term_text(solution[n]) for n in names if solution[n] is not None}
        return {}

    results = {}
    for name, text in saved.bench_queries(query_dir, pick, listings=listings):

        def once(text: str = text) -> int:
            answer = store.query(text)
            return int(bool(answer)) if isinstance(answer, ox.QueryBoolean) else count_rows(answer)

        warm = timed_runs(once, 1, None)  # a first run warms the caches, as a long-running service's would be
        slow = sum(warm["times_s"]) > REPEAT_BUDGET_S
        results[name] = warm if slow else timed_runs(once, runs, None)
    return {"engine": "pyoxigraph embedded", "open_s": round(open_s, 3), "queries": results}


def server_queries(endpoint: str, query_dir: Path | None, runs: int, listings: bool = True) -> dict[str, Any]:
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    def pick(text: str) -> dict[str, str]:
        client = SPARQLWrapper(endpoint)
        client.setQuery(text)
        client.setMethod("POST")
        client.setReturnFormat(JSON)
        answer: Any = client.queryAndConvert()
        for binding in answer["results"]["bindings"]:
            return {
                k: f"<{v['value']}>" if v["type"] == "uri" else str(v["value"]) for k, v in binding.items()
            }
        return {}

    results = {}
    for name, text in saved.bench_queries(query_dir, pick, listings=listings):

        def once(text: str = text) -> int:
            client = SPARQLWrapper(endpoint)
            client.setQuery(text)
            client.setMethod("POST")
            kind = client.queryType
            client.setReturnFormat(JSON if kind in ("SELECT", "ASK") else TURTLE)
            answer: Any = client.queryAndConvert()
            if kind == "ASK":
                return int(bool(answer["boolean"]))
            if kind == "SELECT":
                return len(answer["results"]["bindings"])
            return len(answer)

        warm = timed_runs(once, 1, None)
        slow = sum(warm["times_s"]) > REPEAT_BUDGET_S
        results[name] = warm if slow else timed_runs(once, runs, None)
    return {"engine": "oxigraph server via SPARQLWrapper", "queries": results}


def _term_text(term: Any) -> str:
    import pyoxigraph as ox

    return f"<{term.value}>" if isinstance(term, ox.NamedNode) else str(term.value)


# ---------------------------------------------------------------- validation


def validate_pyshacl(graph: Path, report: Path) -> dict[str, Any]:
    start = time.perf_counter()
    found = violations.pyshacl_violations(graph)
    seconds = time.perf_counter() - start
    violations.write_set(report, found)
    return {"engine": "pyshacl", "seconds": round(seconds, 3), "violations": len(found)}


def validate_project(graph: Path, report: Path) -> dict[str, Any]:
    start = time.perf_counter()
    found, how = violations.project_violations(graph)
    seconds = time.perf_counter() - start
    violations.write_set(report, found)
    return {"engine": how, "seconds": round(seconds, 3), "violations": len(found)}


def plant(graph: Path, out: Path, per_kind: int) -> dict[str, Any]:
    return violations.plant_violations(graph, out, per_kind)


# ---------------------------------------------------------------- where a build spends its time


def profile_build(corpus: Path, out: Path, validate: bool, top: int) -> dict[str, Any]:
    """cProfile of kg.pipeline.build in one process: the functions that take the time."""
    import cProfile
    import pstats

    from kg.pipeline import build

    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.runcall(build, [corpus], out, jobs=1, validate=validate, quiet=True)
    seconds = time.perf_counter() - start
    stats = pstats.Stats(profiler)
    rows = []
    for (file, line, function), (_, calls, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {
                "function": f"{Path(file).name}:{line}({function})",
                "calls": calls,
                "own_s": round(tottime, 3),
                "cumulative_s": round(cumtime, 3),
            }
        )
    return {
        "documents": len(list(corpus.glob("*.txt"))),
        "validate": validate,
        "seconds": round(seconds, 2),
        "by_own_time": sorted(rows, key=lambda r: -r["own_s"])[:top],
        "by_cumulative_time": sorted(rows, key=lambda r: -r["cumulative_s"])[:top],
    }


# ---------------------------------------------------------------- command line


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.workers")
    sub = parser.add_subparsers(dest="kind", required=True)
    floor = sub.add_parser("spacy-floor")
    floor.add_argument("corpus", type=Path)
    floor.add_argument("--limit", type=int)
    for name in ("rdflib-queries", "oxigraph-queries", "server-queries"):
        command = sub.add_parser(name)
        command.add_argument("target")
        command.add_argument("--queries", type=Path)
        command.add_argument("--runs", type=int, default=5)
        command.add_argument("--timeout", type=float, default=60.0)
        command.add_argument("--budget", type=float, default=600.0, help="seconds for all queries (rdflib)")
        command.add_argument(
            "--no-listings", action="store_true", help="time queries with typical parameters only with them"
        )
    load = sub.add_parser("oxigraph-load")
    load.add_argument("graph", type=Path)
    load.add_argument("store", type=Path)
    for name in ("validate-pyshacl", "validate-project"):
        command = sub.add_parser(name)
        command.add_argument("graph", type=Path)
        command.add_argument("report", type=Path)
    profiling = sub.add_parser("profile-build")
    profiling.add_argument("corpus", type=Path)
    profiling.add_argument("out", type=Path)
    profiling.add_argument("--no-validate", action="store_true")
    profiling.add_argument("--top", type=int, default=25)
    planting = sub.add_parser("plant")
    planting.add_argument("graph", type=Path)
    planting.add_argument("out", type=Path)
    planting.add_argument("--per-kind", type=int, default=5)
    return parser.parse_args(argv)


def dispatch(args: argparse.Namespace) -> dict[str, Any]:
    kind = args.kind
    if kind == "spacy-floor":
        return spacy_floor(args.corpus, args.limit)
    if kind == "rdflib-queries":
        return rdflib_queries(Path(args.target), args.queries, args.runs, args.timeout, args.budget)
    if kind == "oxigraph-queries":
        return oxigraph_queries(Path(args.target), args.queries, args.runs, not args.no_listings)
    if kind == "server-queries":
        return server_queries(args.target, args.queries, args.runs, not args.no_listings)
    if kind == "oxigraph-load":
        return oxigraph_load(args.graph, args.store)
    if kind == "validate-pyshacl":
        return validate_pyshacl(args.graph, args.report)
    if kind == "validate-project":
        return validate_project(args.graph, args.report)
    if kind == "profile-build":
        return profile_build(args.corpus, args.out, not args.no_validate, args.top)
    return plant(args.graph, args.out, args.per_kind)


def main(argv: list[str] | None = None) -> None:
    print(json.dumps(dispatch(parse_args(argv))))


def last_json_line(stdout: str) -> dict[str, Any]:
    """The worker's report: the last line of its output that is a JSON object."""
    for line in reversed(stdout.strip().splitlines()):
        if line.startswith("{"):
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict):
                return value
    return {}


if __name__ == "__main__":
    main()
