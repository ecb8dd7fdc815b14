"""Reading RDF graph files that anyone may have written: nothing else is read and nothing is fetched.

Every graph file a command is given (`kg validate`, `kg query --graph`, `kg serve --graph`,
`kg export`, `kg push --graph`, `kg.api.load`) is parsed here, by Oxigraph, which resolves no
external XML entity and loads no remote JSON-LD context. Two checks come first, because Oxigraph's
own errors do not say why a file is refused, and it expands internal XML entities without a bound:

- RDF/XML goes through expat once. A DOCTYPE naming an external DTD or entity (SYSTEM, PUBLIC) is
  refused, and expat's amplification limit stops entity bombs ("billion laughs"). Internal
  entities (`<!ENTITY owl "http://www.w3.org/2002/07/owl#">`, common in OWL files) are fine.
- JSON-LD that names a remote `@context` (or `@import`) is refused, naming the IRIs.

rdflib is not used for parsing files: its JSON-LD parser fetches remote contexts (file: ones too),
and its RDF/XML parser joins character data quadratically.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.parsers import expat

import pyoxigraph as ox

from kg.errors import GraphError

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE, ".turtle": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS, ".nquads": ox.RdfFormat.N_QUADS,
    ".n3": ox.RdfFormat.N3, ".jsonld": ox.RdfFormat.JSON_LD, ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML, ".xml": ox.RdfFormat.RDF_XML,
}

GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


class _External(Exception):
    """Raised from inside expat's callbacks to stop at the first external declaration."""


def rdf_format(path: Path) -> ox.RdfFormat:
    fmt = RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(RDF_FORMATS))
        raise GraphError(f"{path}: unknown RDF file suffix {path.suffix!r}; known: {known}")
    return fmt


def load_graph_file(store: ox.Store, path: str | Path, *, to_graph: GraphName | None = None,
                    bulk: bool = False) -> None:
    """Parse one file into `store` (into `to_graph` for a triples format); GraphError naming the file."""
    path = Path(path)
    if not path.is_file():
        raise GraphError(f"{path}: no such file")
    fmt = rdf_format(path)
    if fmt == ox.RdfFormat.RDF_XML:
        check_rdfxml(path)
    load = store.bulk_load if bulk else store.load
    try:
        load(path=str(path), format=fmt, to_graph=to_graph)
    except SyntaxError as exc:
        raise GraphError(f"{path}: {_syntax_problem(path, fmt, exc)}") from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise GraphError(f"{path}: cannot load the graph ({_one_line(exc)})") from None


def check_rdfxml(path: Path) -> None:
    """Refuse RDF/XML that declares an external DTD or entity, or whose entities expand too far."""
    parser = expat.ParserCreate()
    # expat alone never opens anything; this also keeps it from even trying parameter entities.
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _on_doctype
    parser.EntityDeclHandler = _on_entity
    try:
        with path.open("rb") as handle:
            parser.ParseFile(handle)
    except _External as exc:
        raise GraphError(f"{path}: refused: the RDF/XML declares {exc}; readout-kg reads no other file "
                         "and no URL while reading a graph (inline the values or drop the DOCTYPE)") from None
    except expat.ExpatError as exc:
        if "amplification" in str(exc):
            raise GraphError(f"{path}: refused: its XML entities expand too far ({exc})") from None
        raise GraphError(f"{path}: cannot load the graph (not well-formed XML: {exc})") from None
    except OSError as exc:
        raise GraphError(f"{path}: cannot read the file ({exc})") from None


def _on_doctype(name: str, system_id: str | None, public_id: str | None, has_internal_subset: int) -> None:
    if system_id or public_id:
        raise _External(f"an external DTD ({system_id or public_id})")


def _on_entity(name: str, is_parameter: int, value: str | None, base: str | None, system_id: str | None,
               public_id: str | None, notation: str | None) -> None:
    if system_id or public_id:
        kind = "parameter entity %" if is_parameter else "entity "
        raise _External(f"the external {kind}{name} ({system_id or public_id})")


def _syntax_problem(path: Path, fmt: ox.RdfFormat, exc: SyntaxError) -> str:
    message = _one_line(exc)
    if fmt == ox.RdfFormat.JSON_LD and "remote context" in message:
        named = ", ".join(remote_contexts(path)) or "a remote context"
        return (f"refused: the JSON-LD loads {named} as @context; readout-kg fetches nothing while "
                "reading a graph (put the context inline)")
    return f"cannot load the graph ({message})"


def remote_contexts(path: Path) -> list[str]:
    """The context references (strings under @context or @import) a JSON-LD document names."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return []
    found: set[str] = set()
    pending: list[Any] = [document]
    while pending:  # a loop, not recursion: the document may nest deeper than Python's stack
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key in ("@context", "@import"):
                    found.update(_references(value))
                pending.append(value)
    return sorted(found)


def _references(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:300] if text else type(exc).__name__
