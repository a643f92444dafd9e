"""Where records come from: each source turns its material into corpus records.

- :mod:`indexer.sources.corpus`: a folder of JSON records (the exchange format), validated
  against ``corpus/schema.json`` and the vocabularies, with consent applied.
"""
