"""Catalog for customers: category tree, full-text search with facets, live availability.

The text index sits behind one port (`index.SearchIndex`): PostgreSQL full text (tsvector + GIN,
pg_trgm for typos) or SQLite FTS5 over stemmed documents. Each worker keeps what every search
needs of the catalog in memory (memory.py: filter and sort columns, each word's hits), current by
catalog revision (revision.py). Availability is never kept: it is read from the stock view for
the hits of each query.
"""
