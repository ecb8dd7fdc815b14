"""Markdown or text files with YAML front matter (`title`, `source`, `published`, `language`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from kg.errors import InputError
from kg.model import Document
from kg.read.base import Reader
from kg.read.decode import decode, read_bytes
from kg.read.metadata import build_document

_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)
# libyaml's loader where PyYAML was built with it: same results, several times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class FrontMatter:
    """The parsed front matter and the body after it; `body_offset` is where the body starts."""

    metadata: dict[str, object]
    body: str
    body_offset: int


def has_front_matter(text: str) -> bool:
    first_line = text.split("\n", 1)[0]
    return _FENCE.fullmatch(first_line) is not None


def split_front_matter(text: str, origin: str | Path) -> FrontMatter:
    """Split text that opens with a `---` line; InputError when the block is unclosed or not a mapping."""
    opening = _FENCE.match(text)
    if opening is None:
        raise InputError(origin, "malformed front matter: the file does not open with a '---' line")
    closing = _FENCE.search(text, opening.end() + 1)
    if closing is None:
        raise InputError(origin, "malformed front matter: the '---' block on line 1 is never closed")
    block = text[opening.end():closing.start()]
    metadata = _parse_yaml(block, origin)
    body_offset = min(closing.end() + 1, len(text))   # the body starts after the closing line's newline
    return FrontMatter(metadata, text[body_offset:], body_offset)


def _parse_yaml(block: str, origin: str | Path) -> dict[str, object]:
    try:
        loaded = yaml.load(block, Loader=_YAML_LOADER)   # a safe loader: no arbitrary objects
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        # The block starts right after the opening '---', on the file's first line; marks count from 0.
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise InputError(origin, f"malformed front matter: {problem}{where}") from error
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise InputError(origin, "malformed front matter: expected 'key: value' lines, "
                                 f"got a {type(loaded).__name__}")
    return {str(key): value for key, value in loaded.items()}


def document_from_text(text: str, meta: dict[str, str], path: str | Path) -> Document:
    """A Document from decoded text, front matter or not; its text is the body (what offsets index)."""
    identifier = Path(path).name
    if not has_front_matter(text):
        return Document(identifier=identifier, text=text, path=str(path), meta=meta)
    front = split_front_matter(text, path)
    if not front.body.strip():
        raise InputError(path, "empty: nothing after the front matter")
    return build_document(identifier, front.body, str(path), front.metadata,
                          {**meta, "body_offset": str(front.body_offset)})


class FrontMatterReader(Reader):
    """`.md` files: YAML front matter (optional) and a body that is the document's text."""

    name = "markdown"
    suffixes = (".md", ".markdown")

    def read(self, path: str | Path) -> Iterator[Document]:
        decoded = decode(read_bytes(path, self.max_bytes), path)
        yield document_from_text(decoded.text, {"format": self.name, **decoded.meta}, path)
