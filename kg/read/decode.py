"""From bytes to text: size, emptiness, binary and encoding checks shared by every reader."""

from __future__ import annotations

import codecs
import os
import re
import stat
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import BinaryIO

import yaml

from kg.errors import InputError

_DATA = Path(__file__).resolve().parent / "data"
_UTF8_BOM = b"\xef\xbb\xbf"
# UTF-32 first: its little-endian mark starts with UTF-16's.
_UNICODE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
# Characters below 0x20 that occur in ordinary text: tab, newline, vertical tab, form feed, carriage return.
_TEXT_CONTROLS = frozenset("\t\n\x0b\x0c\r")
# More than this share of control bytes means the file is not text, even without NUL bytes.
_MAX_CONTROL_SHARE = 0.05
# Latin-1/cp1252 prose (French, German, Spanish) has at most about one accented letter in ten; a
# larger share of bytes above 0x7f means another 8-bit or multi-byte encoding (Shift-JIS, GBK,
# EUC-KR, Windows-1251), which cp1252 would turn into plausible-looking mojibake.
_MAX_CP1252_HIGH_SHARE = 0.3
_HIGH_BYTES = bytes(range(0x80, 0x100))
_ASCII_LETTERS = bytes(range(0x41, 0x5B)) + bytes(range(0x61, 0x7B))
_SNIFF_BYTES = 65_536
_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


@dataclass(frozen=True)
class DecodedText:
    """A file's text with newlines normalised, and how it was decoded (for Document.meta)."""

    text: str
    meta: dict[str, str] = field(default_factory=dict)


def open_regular(path: str | Path) -> BinaryIO:
    """The file opened for reading in binary; InputError unless it is a regular file.

    Opened without blocking and checked on the open descriptor: a named pipe would block the
    build forever and a device would never end, and a check before opening could be raced.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise InputError(path, f"cannot be read: {error.strerror or error}") from error
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        kind = next((name for test, name in _KINDS if test(mode)), "not a file")
        raise InputError(path, f"not a regular file ({kind}); only files are read")
    return os.fdopen(descriptor, "rb")


def read_bytes(path: str | Path, max_bytes: int) -> bytes:
    """The file's bytes, refusing files over `max_bytes` before reading them."""
    with open_regular(path) as handle:
        try:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise InputError(path, f"too large: {size:,} bytes (the limit is {max_bytes:,})")
            data = handle.read(max_bytes + 1)   # bounded: the file may grow while it is read
        except OSError as error:
            raise InputError(path, f"cannot be read: {error.strerror or error}") from error
    if len(data) > max_bytes:
        raise InputError(path, f"too large: it grew past {max_bytes:,} bytes while being read")
    return data


def decode(data: bytes, origin: str | Path, declared: str | None = None) -> DecodedText:
    """UTF-8 text (BOM stripped, newlines normalised); UTF-16 or UTF-32 with a byte order mark;
    else the `declared` encoding (an HTML page's charset) or cp1252, when that decodes cleanly."""
    if not data:
        raise InputError(origin, "empty file")
    marked = _decode_marked(data, origin)
    if marked is not None:
        text, meta = marked
    else:
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
    kind = file_signature(data)
    if kind is not None:
        raise InputError(origin, f"not text: the file is {kind}")
    sample = data[:_SNIFF_BYTES]
    if b"\x00" in sample:
        raise InputError(origin, "binary file (it contains NUL bytes), not text")
    controls = sum(1 for byte in sample if byte < 0x20 and chr(byte) not in _TEXT_CONTROLS)
    if controls > _MAX_CONTROL_SHARE * len(sample):
        raise InputError(origin, f"binary file ({controls} control bytes in the first {len(sample)}), "
                                 "not text")


def file_signature(data: bytes) -> str | None:
    """What a non-text file is, by its first bytes (kg/read/data/signatures.yaml), if known."""
    return next((name for magic, name in _signatures() if data.startswith(magic)), None)


@cache
def _signatures() -> tuple[tuple[bytes, str], ...]:
    with (_DATA / "signatures.yaml").open(encoding="utf-8") as handle:
        entries: list[dict[str, str]] = yaml.safe_load(handle)
    return tuple((bytes.fromhex(entry["hex"]), entry["name"]) for entry in entries)


def unicode_mark(data: bytes) -> str | None:
    """"UTF-16" or "UTF-32" when the bytes open with that byte order mark."""
    return next((label for bom, _, label in _UNICODE_BOMS if data.startswith(bom)), None)


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


def _decode_marked(data: bytes, origin: str | Path) -> tuple[str, dict[str, str]] | None:
    """Text that a UTF-16 or UTF-32 byte order mark announces; None without one."""
    failures = []
    for bom, codec, label in _UNICODE_BOMS:
        if not data.startswith(bom):
            continue
        try:
            text = data[len(bom):].decode(codec)
        except UnicodeDecodeError as error:
            failures.append(f"{label} byte order mark, but not {label}: {error.reason} at offset "
                            f"{error.start + len(bom)}")
            continue
        _reject_control_text(text, origin)
        return text, {"encoding": codec, "encoding_note": f"{label} (it opens with a byte order mark)"}
    if failures:
        raise InputError(origin, f"{failures[-1]}; save it as UTF-8")
    return None


def _reject_control_text(text: str, origin: str | Path) -> None:
    sample = text[:_SNIFF_BYTES]
    controls = sum(1 for char in sample if char < " " and char not in _TEXT_CONTROLS)
    if "\x00" in sample or controls > _MAX_CONTROL_SHARE * len(sample):
        raise InputError(origin, "binary file (control characters behind a UTF-16/32 byte order mark), "
                                 "not text")


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
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    letters = len(data) - len(data.translate(None, _ASCII_LETTERS))
    if high > _MAX_CP1252_HIGH_SHARE * (high + letters):
        raise InputError(origin, f"not UTF-8 ({where}), and too many bytes above 0x7f ({high:,}, "
                                 f"against {letters:,} ASCII letters) for cp1252/latin-1: a legacy "
                                 "encoding (Shift-JIS, GBK, EUC-KR, Windows-1251 ...) that cannot be told "
                                 "apart without a declaration; save it as UTF-8")
    return text, {"encoding": "cp1252", "encoding_note": f"not UTF-8 ({where}); decoded as cp1252"}
