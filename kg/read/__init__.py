"""The read stage: files in, `kg.model.Document` out (see docs/ARCHITECTURE.md).

    for item in read_paths(["seeds", "more/report.html"]):
        if isinstance(item, ReadFailure):
            print(f"{item.path}: {item.reason}")

Formats are registered by name and suffix in `kg.read.registry` (text, markdown, html, jsonl).
"""

from __future__ import annotations

from kg.read.base import DEFAULT_MAX_BYTES, Reader, ReadFailure
from kg.read.paths import read_file, read_paths
from kg.read.registry import for_path, get, known_formats, known_suffixes, register

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ReadFailure",
    "Reader",
    "for_path",
    "get",
    "known_formats",
    "known_suffixes",
    "read_file",
    "read_paths",
    "register",
]
