"""From bytes to text: size, emptiness, binary and encoding checks shared by every reader."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Bytes below 0x20 that occur in ordinary text: tab, newline, vertical tab, form feed, carriage return.
_TEXT_CONTROLS = frozenset(b"\t\n\x0b\x0c\r")
# More than this share of control bytes means the file is not text, even without NUL bytes.
_MAX_CONTROL_SHARE = 0.05
_SNIFF_BYTES = 65_536
_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class DecodedText:
    """A file's text with newlines normalised, and how it was decoded (for Document.meta)."""

    text: str
    meta: dict[str, str] = field(default_factory=dict)


def read_bytes(path: str | Path, max_bytes: int) -> bytes:
    """The file's bytes, refusing files over `max_bytes` before reading them."""
    try:
        size = Path(path).stat().st_size
        if size > max_bytes:
            raise InputError(path, f"too large: {size:,} bytes (the limit is {max_bytes:,})")
        return Path(path).read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot be read: {error.strerror or error}") from error


def decode(data: bytes, origin: str | Path, declared: str | None = None) -> DecodedText:
    """UTF-8 text (BOM stripped, newlines normalised); else the `declared` encoding (an HTML page's
    charset) or cp1252, when that decodes cleanly."""
    reject_binary(data, origin)
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM):]
    try:
        text, meta = data.decode("utf-8"), {"encoding": "utf-8"}
    except UnicodeDecodeError as error:
        text, meta = _decode_declared(data, declared) or _decode_cp1252(data, error, origin)
    text = normalise_newlines(text)
    if not text.strip():
        raise InputError(origin, "empty: the file holds only whitespace" if text else "empty file")
    return DecodedText(text, meta)


def normalise_newlines(text: str) -> str:
    """\\r\\n and lone \\r become \\n, so that evidence offsets do not depend on the platform."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def reject_binary(data: bytes, origin: str | Path) -> None:
    if not data:
        raise InputError(origin, "empty file")
    if data.startswith(_UTF16_BOMS):
        raise InputError(origin, "UTF-16 text: only UTF-8 is read (convert the file to UTF-8)")
    sample = data[:_SNIFF_BYTES]
    if b"\x00" in sample:
        raise InputError(origin, "binary file (it contains NUL bytes), not text")
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in _TEXT_CONTROLS)
    if controls > _MAX_CONTROL_SHARE * len(sample):
        raise InputError(origin, f"binary file ({controls} control bytes in the first {len(sample)}), "
                                 "not text")


def html_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first bytes, if Python knows it."""
    found = _HTML_CHARSET.search(data[:4096])
    if found is None:
        return None
    name = found.group(1).decode("ascii")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _decode_declared(data: bytes, declared: str | None) -> tuple[str, dict[str, str]] | None:
    if not declared or declared.replace("_", "-").startswith("utf-8"):
        return None
    try:
        return data.decode(declared), {"encoding": declared, "encoding_note": f"not UTF-8; decoded as the "
                                                                                 f"declared {declared}"}
    except UnicodeDecodeError:
        return None


def _decode_cp1252(data: bytes, error: UnicodeDecodeError, origin: str | Path) -> tuple[str, dict[str, str]]:
    where = f"invalid UTF-8 byte 0x{data[error.start]:02x} at offset {error.start}"
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as second:
        raise InputError(origin, f"not UTF-8 ({where}) and not cp1252/latin-1 either "
                                 f"(byte 0x{data[second.start]:02x} at offset {second.start}); "
                                 "save it as UTF-8") from second
    return text, {"encoding": "cp1252", "encoding_note": f"not UTF-8 ({where}); decoded as cp1252"}
