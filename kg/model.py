"""The documents that flow between stages: what a reader yields."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Document:
    """One input document as read: its text (exactly what evidence offsets index) and metadata."""

    identifier: str                # the file name, or "name.jsonl#7" for line 7 of a JSON Lines file
    text: str
    path: str = ""                 # where it was read from
    title: str | None = None
    source: str | None = None      # URL or publisher
    published: date | None = None  # the publication date, the anchor for "yesterday", "on Monday"
    language: str | None = None
    meta: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()
