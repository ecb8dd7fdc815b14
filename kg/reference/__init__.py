"""Reference data: countries, ministries, posts, officials and their terms, treaties, the issue scheme.

The data lives as Turtle in ``reference/`` (compiled from the YAML in ``reference/src``); this
package loads it into :class:`kg.reference.model.ReferenceData`, the plain Python lexicon that the
extractor links against.
"""
