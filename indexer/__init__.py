"""The index layer: turn case studies into an immutable, versioned index generation.

Rule: nothing here imports Flask, Werkzeug or :mod:`search_service` (a test enforces it); the
service only opens what this layer published.

A build runs in this order (:func:`indexer.build.build_index`):

1. :mod:`indexer.sources` turns a source into records: :mod:`indexer.sources.corpus` loads and
   validates a folder of JSON records (every problem as ``file: field: reason``) and applies
   consent once (``publishable``, ``public_record``), so nothing downstream sees a name
   without consent.
2. :mod:`indexer.documents` reduces each public record to the text fields the indexes read.
3. :mod:`indexer.analysis`, the one text pipeline, turns text into terms for both indexes.
4. The parts of a generation are written: :mod:`indexer.fulltext` (Whoosh BM25F),
   :mod:`indexer.similarity` (TF-IDF), :mod:`indexer.store` (public records in SQLite),
   :mod:`indexer.facets` (NumPy facet columns), :mod:`indexer.suggest` (completions) and
   :mod:`indexer.spelling`; :mod:`indexer.manifest` (format version, corpus hash) is last.
5. :mod:`indexer.generations` checksums the folder and switches the ``CURRENT`` pointer
   atomically.

Errors are drawn in :mod:`indexer.errors`.
"""
