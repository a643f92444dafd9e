"""Where records come from: each source turns its material into corpus records.

- :mod:`indexer.sources.corpus`: a folder of JSON records (the exchange format), validated
  against ``corpus/schema.json`` and the vocabularies, with consent applied.
- :mod:`indexer.sources.importer`: Word, PDF, web and text documents and the national listing,
  read into records of that format (with their provenance); see its docstring.
- :mod:`indexer.sources.names`: withholding people's names from text without their consent.
"""
