"""Full-text search over the catalogue's records (metadata and file text).

- ``service.search(scope, query, ...)``: the one entry point; tenancy is enforced there.
- ``queue``: ingest enqueues an AIP; the worker extracts its records and text and
  indexes them (retries with backoff, failures reported); ``rebuild()`` starts over.
- ``backends``: tantivy (embedded, default) and PostgreSQL full-text search behind one
  interface, chosen with ``SAMARKIV_SEARCH_BACKEND``.
- ``query``: the small query language both engines understand the same way.
"""
