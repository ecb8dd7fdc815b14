"""Where the project's data folders are: the repository checkout, or the installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_REPO = _PACKAGE.parent


def data_dir(name: str) -> Path:
    """The folder `ontology`, `reference` or `queries`, from a checkout or from the wheel's _data."""
    for candidate in (_REPO / name, _PACKAGE / "_data" / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"data folder {name!r} not found next to the kg package")


def ontology_dir() -> Path:
    return data_dir("ontology")


def reference_dir() -> Path:
    return data_dir("reference")


def queries_dir() -> Path:
    return data_dir("queries")


def package_data(relative: str) -> Path:
    """A data file inside the package (patterns, templates, vendored JavaScript)."""
    return _PACKAGE / relative
