"""The one module that knows the order of the stages: read → extract → map → validate → store → export.

(Being filled in; the signatures below are the contract other stages and the Python API rely on.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph


@dataclass
class BuildResult:
    """What a build produced: the merged graph, the per-document dataset, and the counts."""

    graph: Graph                                   # everything merged (graph.ttl)
    dataset: Dataset                               # one named graph per document + reference (graph.trig)
    documents_read: int = 0
    documents_failed: list[tuple[str, str]] = field(default_factory=list)   # (path, reason)
    meetings: int = 0
    officials: int = 0
    violations: int = 0
    warnings: list[str] = field(default_factory=list)   # build report lines (e.g. dates that cannot be right)


def build(paths: Iterable[str | Path], out_dir: str | Path | None = None, *, jobs: int = 1,
          validate: bool = True, quiet: bool = True) -> BuildResult:
    """Read, extract, merge and map the documents under `paths`; write the outputs when `out_dir`."""
    raise NotImplementedError
