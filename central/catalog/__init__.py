"""Catalog for customers: category tree, full-text search with facets, live availability.

Search sits behind one port (`index.SearchIndex`): PostgreSQL full text (tsvector + GIN,
pg_trgm for typos) or SQLite FTS5 over stemmed documents. Availability is never indexed: it is
read from the stock view for the hits of each query.
"""
