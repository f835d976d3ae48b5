"""The indexing queue: the search index is a projection, updated asynchronously."""
