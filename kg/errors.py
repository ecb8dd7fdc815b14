"""The one error tree of readout-kg.

Every error the package raises on purpose derives from :class:`KGError`, so a caller can catch
them all in one place; the command line turns each into a one-line message and an exit status.

    KGError
    ├── InputError            a document cannot be read (empty, binary, bad encoding, too large)
    │   └── FormatError       no reader for a file suffix or format name (lists the known ones)
    ├── ReferenceDataError    the reference data or ontology files are missing or malformed
    ├── GraphError            an RDF graph file cannot be parsed or written
    ├── QueryError            a SPARQL query is malformed, unknown, refused, or its parameters are wrong
    │   └── QueryStopped      a query ran past its time or memory limit and was stopped
    ├── ValidationFailed      a graph violates the SHACL shapes (raised only when asked to be strict)
    ├── StoreError            a store cannot be opened, read or written
    └── EndpointError         a remote SPARQL endpoint is unreachable or refuses a request
"""

from __future__ import annotations

from pathlib import Path


class KGError(Exception):
    """Base of every error readout-kg raises on purpose."""


class InputError(KGError):
    """A document could not be read; the message names the file."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class FormatError(InputError):
    """No reader is registered for a file's suffix or a format name; the message lists the known ones."""


class ReferenceDataError(KGError):
    """Reference data or ontology files are missing or malformed."""


class GraphError(KGError):
    """An RDF graph could not be parsed or serialised; the message names the file."""


class QueryError(KGError):
    """A SPARQL query is malformed, unknown or refused (update, SERVICE), or a parameter does not fit."""


class QueryStopped(QueryError):
    """A query ran past its time or memory limit and was stopped; `limit` says which."""

    def __init__(self, message: str, limit: str) -> None:
        self.limit = limit  # "time" or "memory"
        super().__init__(message)


class ValidationFailed(KGError):
    """The graph does not conform to the shapes (raised with --strict)."""


class StoreError(KGError):
    """A store could not be opened, read or written."""


class EndpointError(KGError):
    """A remote SPARQL endpoint is down or refused a request."""
