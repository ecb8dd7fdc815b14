"""readout-kg: builds an RDF knowledge graph of defence-diplomacy meetings from readouts and reports.

The stages, one package each, in the order :mod:`kg.pipeline` runs them:
read → extract → map → validate → store → query → export.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
