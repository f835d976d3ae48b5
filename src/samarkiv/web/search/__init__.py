"""Staff search and record pages (the ``search_ui`` URL namespace)."""
