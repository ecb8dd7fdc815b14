"""The benchmark (`make bench`, `make bench-quick`): is readout-kg fast at 100,000 documents?

    python -m bench.run [--quick] [--sizes 1000 10000 100000] [--runs 3] [--out bench]

Generates a synthetic corpus (bench.generate) in a temporary folder and measures, each in its own
child process (wall time, peak memory): the end-to-end `kg build` at each size with 1 and 2
processes and its time per stage (--profile), the bare spaCy floor on the same corpus, every saved
query on the largest graph through rdflib's memory store, embedded Oxigraph and the Oxigraph
server, and SHACL validation with pyshacl over the whole graph against the project's own way
(same violations on a graph with planted faults). Writes bench/results.json and bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import report
from bench.generate import generate_corpus
from bench.machine import describe_machine
from bench.measure import Measurement, run_measured, tree_rss_kb
from bench.synthgraph import write_synthetic_graph
from bench.violations import read_set
from bench.workers import last_json_line

BENCH_DIR = Path(__file__).resolve().parent
PYTHON = sys.executable
BIN = Path(sys.executable).parent


@dataclass
class Settings:
    quick: bool
    sizes: list[int]
    runs: int
    large_runs: int  # runs for sizes above LARGE (a 100k build takes minutes)
    jobs: list[int]
    large_jobs: list[int]
    query_runs: int
    rdflib_timeout_s: float
    rdflib_max_triples: int
    rdflib_budget_s: float
    planted_docs: int
    profile_docs: int
    pyshacl_timeout_s: float
    build_timeout_s: float
    build_args: list[str]
    seed: int
    out: Path
    workdir: Path
    keep: bool


LARGE = 10_000


def parse_args(argv: Sequence[str] | None) -> Settings:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="1k and 3k documents, one run each (minutes)")
    parser.add_argument("--sizes", type=int, nargs="+", help="corpus sizes (documents)")
    parser.add_argument("--runs", type=int, help="runs per measurement (the median is reported)")
    parser.add_argument("--large-runs", type=int, help=f"runs of a build above {LARGE} documents")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="process counts for kg build")
    parser.add_argument(
        "--large-jobs",
        type=int,
        nargs="+",
        default=[2],
        help=f"process counts for builds above {LARGE} documents",
    )
    parser.add_argument("--query-runs", type=int, default=5)
    parser.add_argument("--rdflib-timeout", type=float, default=60.0, help="seconds per rdflib query")
    parser.add_argument(
        "--rdflib-max-triples",
        type=int,
        default=1_500_000,
        help="query rdflib on the largest graph no bigger than this (its parser is slow)",
    )
    parser.add_argument("--rdflib-budget", type=float, help="seconds for all rdflib queries together")
    parser.add_argument(
        "--planted-docs",
        type=int,
        default=200,
        help="documents in the graph that gets planted faults (pyshacl must finish on it)",
    )
    parser.add_argument("--profile-docs", type=int, default=200, help="documents in the cProfile'd build")
    parser.add_argument("--pyshacl-timeout", type=float, help="seconds before a validation run is cut off")
    parser.add_argument("--build-timeout", type=float, help="seconds before a build is cut off")
    parser.add_argument("--build-args", help="more arguments for every kg build, e.g. '--no-validate'")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=BENCH_DIR, help="where results.json and RESULTS.md go")
    parser.add_argument("--workdir", type=Path, help="scratch folder (default: a new temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args(argv)
    quick = bool(args.quick)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    return Settings(
        quick=quick,
        sizes=sorted(args.sizes or ([1000, 3000] if quick else [1000, 10_000, 100_000])),
        runs=args.runs or (1 if quick else 3),
        large_runs=args.large_runs or 1,
        jobs=args.jobs,
        large_jobs=args.large_jobs,
        query_runs=args.query_runs,
        rdflib_timeout_s=args.rdflib_timeout,
        rdflib_max_triples=args.rdflib_max_triples,
        rdflib_budget_s=args.rdflib_budget or 150.0,
        planted_docs=args.planted_docs,
        profile_docs=args.profile_docs,
        pyshacl_timeout_s=args.pyshacl_timeout or (300.0 if quick else 90.0),
        build_timeout_s=args.build_timeout or (900.0 if quick else 3600.0),
        build_args=args.build_args.split() if args.build_args else [],
        seed=args.seed,
        out=args.out,
        workdir=workdir,
        keep=bool(args.keep),
    )


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC).strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def median(values: Sequence[float]) -> float | None:
    return round(statistics.median(values), 6) if values else None


def worker(*args: str, timeout_s: float) -> tuple[Measurement, dict[str, Any]]:
    measurement = run_measured([PYTHON, "-m", "bench.workers", *args], timeout_s=timeout_s)
    if not measurement.ok:
        log(
            f"  worker {args[0]} failed (rc {measurement.returncode}, timed out {measurement.timed_out}): "
            f"{measurement.stderr.strip()[-300:]}"
        )
    return measurement, last_json_line(measurement.stdout)


class Bench:
    """One benchmark run: its settings, its scratch folder, and the results it gathers."""

    def __init__(self, settings: Settings) -> None:
        self.s = settings
        self.results: dict[str, Any] = {
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "mode": "quick" if settings.quick else "full",
            "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(settings).items()},
            "machine": describe_machine(),
        }
        self.corpora: dict[int, Path] = {}
        self.graphs: dict[int, Path] = {}  # size -> graph.ttl (built, or synthetic)
        self.profiles = False  # whether kg build takes --profile FILE

    # -------------------------------------------------------------- corpus

    def generate(self) -> None:
        largest = max(self.s.sizes)
        target = self.s.workdir / f"corpus-{largest}"
        log(f"generating {largest} documents in {target}")
        start = time.perf_counter()
        paths = generate_corpus(target, largest, self.s.seed)
        seconds = time.perf_counter() - start
        self.corpora[largest] = target
        for size in self.s.sizes[:-1]:
            # the first n documents of the largest corpus are the corpus of n documents
            folder = self.s.workdir / f"corpus-{size}"
            folder.mkdir(exist_ok=True)
            for path in paths[:size]:
                os.link(path, folder / path.name)
            self.corpora[size] = folder
        size_bytes = sum(p.stat().st_size for p in paths)
        self.results["corpus"] = {
            "seed": self.s.seed,
            "sizes": self.s.sizes,
            "generate_s": round(seconds, 2),
            "largest_bytes": size_bytes,
            "documents_per_s": round(largest / seconds),
        }
        log(f"  {largest} documents, {size_bytes / 1e6:.0f} MB in {seconds:.1f} s")

    # -------------------------------------------------------------- spaCy floor

    def spacy_floor(self) -> None:
        size = max(s for s in self.s.sizes if s <= LARGE) if min(self.s.sizes) <= LARGE else min(self.s.sizes)
        log(f"spaCy floor on {size} documents, {self.s.runs} run(s)")
        runs = []
        for _ in range(self.s.runs):
            measurement, figures = worker("spacy-floor", str(self.corpora[size]), timeout_s=1800)
            runs.append({**figures, "wall_s": measurement.wall_s, "max_rss_mb": measurement.max_rss_mb})
        rates = [r["documents_per_s"] for r in runs if "documents_per_s" in r]
        self.results["spacy_floor"] = {
            "documents": size,
            "runs": runs,
            "median_documents_per_s": median(rates),
        }
        log(f"  median {median(rates)} documents/s")

    # -------------------------------------------------------------- kg build

    def build_available(self) -> str | None:
        """None when `kg build` runs here with the flags the benchmark needs, else why not."""
        kg = BIN / "kg"
        if not kg.exists():
            return f"{kg} does not exist"
        probe = subprocess.run([str(kg), "build", "--help"], capture_output=True, text=True, timeout=120)
        if probe.returncode != 0:
            return f"kg build --help failed: {(probe.stderr or probe.stdout).strip()[-300:]}"
        self.profiles = "--profile" in probe.stdout  # without it the build is timed, not split by stage
        missing = [flag for flag in ("--jobs", "--quiet") if flag not in probe.stdout]
        return f"kg build lacks {', '.join(missing)}" if missing else None

    def build_command(self, corpus: Path, out: Path, jobs: int, profile: Path) -> list[str]:
        command = [str(BIN / "kg"), "build", str(corpus), "-o", str(out), "--jobs", str(jobs), "--quiet"]
        return command + (["--profile", str(profile)] if self.profiles else []) + self.s.build_args

    def builds(self) -> None:
        why_not = self.build_available()
        section: dict[str, Any] = {
            "available": why_not is None,
            "why_not": why_not,
            "runs": [],
            "profiled": self.profiles,
        }
        self.results["build"] = section
        if why_not:
            log(f"kg build not measured: {why_not}")
            return
        for size in self.s.sizes:
            large = size > LARGE
            for jobs in self.s.large_jobs if large else self.s.jobs:
                for run in range(self.s.large_runs if large else self.s.runs):
                    section["runs"].append(self.one_build(size, jobs, run))
                    self.save()
        section["summary"] = report.build_summary(section["runs"])

    def one_build(self, size: int, jobs: int, run: int) -> dict[str, Any]:
        out = self.s.workdir / f"build-{size}-j{jobs}-r{run}"
        profile = self.s.workdir / f"profile-{size}-j{jobs}-r{run}.json"
        log(f"kg build {size} documents, --jobs {jobs}, run {run + 1}")
        measurement = run_measured(
            self.build_command(self.corpora[size], out, jobs, profile), timeout_s=self.s.build_timeout_s
        )
        figures: dict[str, Any] = {
            "size": size,
            "jobs": jobs,
            "run": run,
            **measurement.summary(),
            "documents_per_s": round(size / measurement.wall_s, 1),
        }
        figures.pop("command")
        if profile.is_file():
            figures["profile"] = json.loads(profile.read_text(encoding="utf-8"))
        graph = out / "graph.ttl"
        figures["graph_bytes"] = graph.stat().st_size if graph.is_file() else None
        log(
            f"  {measurement.wall_s:.1f} s, {figures['documents_per_s']} documents/s, "
            f"{measurement.tree_rss_mb:.0f} MB (tree), ok {measurement.ok}"
        )
        if measurement.ok and graph.is_file() and size not in self.graphs:
            self.graphs[size] = graph  # keep the first good graph of each size for the stores
        elif not self.s.keep:
            shutil.rmtree(out, ignore_errors=True)
        return figures

    def profile(self) -> None:
        """Where one process spends a build's time (cProfile, validation left out: it is timed apart)."""
        if not self.results.get("build", {}).get("available"):
            return
        size = min(self.s.profile_docs, min(self.s.sizes))
        corpus = self.s.workdir / f"corpus-profile-{size}"
        corpus.mkdir(exist_ok=True)
        for path in sorted(self.corpora[max(self.corpora)].glob("*.txt"))[:size]:
            os.link(path, corpus / path.name)
        log(f"profiling kg.pipeline.build on {size} documents (one process, no validation)")
        measurement, figures = worker(
            "profile-build",
            str(corpus),
            str(self.s.workdir / "build-profiled"),
            "--no-validate",
            timeout_s=self.s.build_timeout_s,
        )
        self.results["profile"] = {**figures, "wall_s": measurement.wall_s, "ok": measurement.ok}

    # -------------------------------------------------------------- the graph to query

    def query_graph(self) -> tuple[int, Path]:
        largest = max(self.s.sizes)
        if largest in self.graphs:
            self.results["graph"] = {"source": "kg build", "documents": largest}
            return largest, self.graphs[largest]
        log(f"no built graph of {largest} documents: writing a synthetic one in the architecture's shape")
        for size in self.s.sizes:
            if size not in self.graphs:
                path = self.s.workdir / f"synthetic-{size}" / "graph.ttl"
                path.parent.mkdir(exist_ok=True)
                write_synthetic_graph(path, size, self.s.seed)
                self.graphs[size] = path
        self.results["graph"] = {"source": "synthetic (bench.synthgraph)", "documents": largest}
        return largest, self.graphs[largest]

    # -------------------------------------------------------------- queries

    def queries(self) -> None:
        size, graph = self.query_graph()
        store = self.s.workdir / "oxigraph-store"
        shutil.rmtree(store, ignore_errors=True)
        log(f"loading {graph} into an Oxigraph store")
        load, loaded = worker("oxigraph-load", str(graph), str(store), timeout_s=3600)
        section: dict[str, Any] = {
            "documents": size,
            "load": {**loaded, "wall_s": load.wall_s, "max_rss_mb": load.max_rss_mb},
        }
        self.results["graph"]["triples"] = loaded.get("triples")
        self.results["queries"] = section
        runs = str(self.s.query_runs)
        log("queries on embedded Oxigraph")
        listings = [] if size <= LARGE else ["--no-listings"]
        section["listings"] = not listings
        measurement, section["oxigraph"] = worker(
            "oxigraph-queries", str(store), "--runs", runs, *listings, timeout_s=1800
        )
        section["oxigraph"]["max_rss_mb"] = measurement.max_rss_mb
        log("queries on the Oxigraph server")
        section["server"] = self.server_queries(store, listings)
        self.save()
        rdflib_size, rdflib_graph = self.rdflib_graph(size, loaded.get("triples") or 0)
        log(
            f"queries on rdflib's memory store ({rdflib_size} documents), "
            f"{self.s.rdflib_timeout_s:.0f} s cap each"
        )
        measurement, section["rdflib"] = worker(
            "rdflib-queries",
            str(rdflib_graph),
            "--runs",
            str(min(3, self.s.query_runs)),
            "--timeout",
            str(self.s.rdflib_timeout_s),
            "--budget",
            str(self.s.rdflib_budget_s),
            timeout_s=self.s.rdflib_budget_s + self.s.rdflib_timeout_s + 1800,
        )
        section["rdflib"].update(
            {
                "documents": rdflib_size,
                "max_rss_mb": measurement.max_rss_mb,
                "wall_s": measurement.wall_s,
                "ok": measurement.ok,
            }
        )
        section["table"] = report.query_table(section)

    def rdflib_graph(self, size: int, triples: int) -> tuple[int, Path]:
        """The largest graph rdflib can parse in reasonable time (triples scale with documents)."""
        for candidate in sorted(self.graphs, reverse=True):
            if triples * candidate / size <= self.s.rdflib_max_triples:
                return candidate, self.graphs[candidate]
        smallest = min(self.graphs)
        return smallest, self.graphs[smallest]

    def server_queries(self, store: Path, extra: list[str]) -> dict[str, Any]:
        port = free_port()
        server = subprocess.Popen(
            [
                str(BIN / "oxigraph"),
                "serve-read-only",
                "--location",
                str(store),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            if not wait_for_port(port, server, 60.0):
                return {
                    "error": "the server did not start: "
                    + (server.stderr.read().decode()[-300:] if server.stderr else "")
                }
            measurement, figures = worker(
                "server-queries",
                f"http://127.0.0.1:{port}/query",
                "--runs",
                str(self.s.query_runs),
                *extra,
                timeout_s=1800,
            )
            figures["server_rss_mb"] = round(tree_rss_kb(server.pid) / 1024, 1)
            figures["client_ok"] = measurement.ok
            return figures
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()

    # -------------------------------------------------------------- validation

    def validation(self) -> None:
        section: dict[str, Any] = {}
        self.results["validation"] = section
        section["planted"] = self.planted()
        self.save()
        size = max(self.graphs)
        section["speed"] = self.validation_speed(size, self.graphs[size])

    def planted_base(self) -> tuple[int, Path]:
        """A small graph to plant faults in: both validators must finish on it, pyshacl included."""
        size = self.s.planted_docs
        if not self.results.get("build", {}).get("available"):
            path = self.s.workdir / f"synthetic-{size}" / "graph.ttl"
            path.parent.mkdir(exist_ok=True)
            write_synthetic_graph(path, size, self.s.seed)
            return size, path
        corpus = self.s.workdir / f"corpus-planted-{size}"
        corpus.mkdir(exist_ok=True)
        for path in sorted(self.corpora[max(self.corpora)].glob("*.txt"))[:size]:
            os.link(path, corpus / path.name)
        out = self.s.workdir / "build-planted"
        log(f"kg build {size} documents for the planted faults")
        run_measured(
            self.build_command(corpus, out, 1, self.s.workdir / "profile-planted.json"),
            timeout_s=self.s.build_timeout_s,
        )
        return size, out / "graph.ttl"

    def planted(self) -> dict[str, Any]:
        size, base = self.planted_base()
        if not base.is_file():
            return {"documents": size, "error": f"no graph to plant faults in ({base})"}
        folder = self.s.workdir / "planted"
        log(f"planting faults in the graph of {size} documents")
        _, planting = worker("plant", str(base), str(folder), "--per-kind", "5", timeout_s=1200)
        graph = folder / "graph.ttl"
        if not graph.is_file():
            return {"documents": size, "error": "planting failed", **planting}
        found = {}
        for engine in ("pyshacl", "project"):
            report_path = folder / f"{engine}.json"
            measurement, figures = worker(
                f"validate-{engine}", str(graph), str(report_path), timeout_s=self.s.pyshacl_timeout_s * 2
            )
            found[engine] = {
                **figures,
                "wall_s": measurement.wall_s,
                "ok": measurement.ok,
                "timed_out": measurement.timed_out,
            }
            found[engine]["keys"] = read_set(report_path) if report_path.is_file() else None
        return {
            "documents": size,
            **planting,
            **report.compare_violations(found, planting.get("planted", {})),
        }

    def validation_speed(self, size: int, graph: Path) -> dict[str, Any]:
        figures: dict[str, Any] = {"documents": size}
        for engine in ("project", "pyshacl"):
            log(f"validating the graph of {size} documents with {engine}")
            measurement, inner = worker(
                f"validate-{engine}",
                str(graph),
                str(self.s.workdir / f"{engine}-full.json"),
                timeout_s=self.s.pyshacl_timeout_s if engine == "pyshacl" else self.s.build_timeout_s,
            )
            figures[engine] = {
                "engine": "cut off" if measurement.timed_out else "",
                **inner,
                "wall_s": measurement.wall_s,
                "max_rss_mb": measurement.max_rss_mb,
                "timed_out": measurement.timed_out,
                "ok": measurement.ok,
            }
            log(f"  {measurement.wall_s:.1f} s{' (cut off)' if measurement.timed_out else ''}")
        figures["pyshacl"]["extrapolated_s"] = self.pyshacl_extrapolated()
        return figures

    def pyshacl_extrapolated(self) -> float | None:
        """pyshacl's time on the largest graph, scaled linearly from its run on the planted graph.

        pyshacl grows at least linearly with the triples, so this is a lower bound for a graph it
        could not finish within the time cap.
        """
        planted = self.results.get("validation", {}).get("planted", {})
        small = planted.get("engines", {}).get("pyshacl", {})
        triples = self.results.get("graph", {}).get("triples")
        if not small.get("ok") or not planted.get("triples") or not triples:
            return None
        return round(small["wall_s"] * triples / planted["triples"], 1)

    # -------------------------------------------------------------- output

    def save(self) -> None:
        self.results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        self.results["targets"] = report.evaluate_targets(self.results)
        self.s.out.mkdir(parents=True, exist_ok=True)
        write_atomically(self.s.out / "results.json", json.dumps(self.results, indent=1, default=str) + "\n")
        write_atomically(self.s.out / "RESULTS.md", report.markdown(self.results))

    def run(self) -> None:
        steps: list[tuple[str, Callable[[], None]]] = [
            ("corpus", self.generate),
            ("spacy_floor", self.spacy_floor),
            ("build", self.builds),
            ("profile", self.profile),
            ("queries", self.queries),
            ("validation", self.validation),
        ]
        try:
            for name, step in steps:
                try:
                    step()
                except Exception as exc:  # one broken measurement must not lose the others
                    log(f"{name} failed: {type(exc).__name__}: {exc}")
                    self.results.setdefault("errors", {})[name] = f"{type(exc).__name__}: {exc}"
                self.save()
        finally:
            if not self.s.keep:
                shutil.rmtree(self.s.workdir, ignore_errors=True)
        log(f"wrote {self.s.out / 'results.json'} and {self.s.out / 'RESULTS.md'}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)  # harness poll while the server opens its store
    return False


def write_atomically(path: Path, text: str) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def main(argv: Sequence[str] | None = None) -> None:
    Bench(parse_args(argv)).run()


if __name__ == "__main__":
    main()
