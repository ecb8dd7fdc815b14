"""The reader registry: format names and file suffixes → reader classes, loaded on first use.

Modelled on rdflib's plugin registry (`rdflib.plugin.register(name, kind, module, class)`): a
registration names a module and a class, so importing `kg.read` does not import trafilatura
until an HTML file is actually read.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from kg.errors import FormatError
from kg.read.base import Reader


@dataclass(frozen=True)
class _Registration:
    name: str
    module_path: str
    class_name: str
    suffixes: tuple[str, ...]

    def load(self) -> type[Reader]:
        cls = getattr(importlib.import_module(self.module_path), self.class_name)
        if not (isinstance(cls, type) and issubclass(cls, Reader)):
            raise TypeError(f"{self.module_path}.{self.class_name} is not a kg.read.Reader")
        return cls


_BY_NAME: dict[str, _Registration] = {}
_BY_SUFFIX: dict[str, str] = {}


def register(name: str, module_path: str, class_name: str, suffixes: tuple[str, ...] = ()) -> None:
    """Register (or replace) the reader `module_path.class_name` under `name` and its `suffixes`."""
    registration = _Registration(name, module_path, class_name, tuple(s.lower() for s in suffixes))
    _BY_NAME[name] = registration
    for suffix in registration.suffixes:
        _BY_SUFFIX[suffix] = name


def known_formats() -> list[str]:
    return sorted(_BY_NAME)


def known_suffixes() -> list[str]:
    return sorted(_BY_SUFFIX)


def get(name: str) -> type[Reader]:
    """The reader class registered under `name`; `FormatError` lists the known names otherwise."""
    registration = _BY_NAME.get(name)
    if registration is None:
        raise FormatError(name, f"unknown format {name!r}; known formats: {', '.join(known_formats())}")
    return registration.load()


def for_path(path: str | Path) -> type[Reader]:
    """The reader class for the file's suffix (case-insensitive)."""
    suffix = Path(path).suffix.lower()
    name = _BY_SUFFIX.get(suffix)
    if name is None:
        shown = repr(suffix) if suffix else "no suffix"
        raise FormatError(path, f"unknown file type ({shown}); known suffixes: {', '.join(known_suffixes())}")
    return get(name)


def handles(path: str | Path) -> bool:
    return Path(path).suffix.lower() in _BY_SUFFIX


register("text", "kg.read.text", "TextReader", (".txt",))
register("markdown", "kg.read.frontmatter", "FrontMatterReader", (".md", ".markdown"))
register("html", "kg.read.html", "HtmlReader", (".html", ".htm"))
register("jsonl", "kg.read.jsonl", "JsonLinesReader", (".jsonl",))
