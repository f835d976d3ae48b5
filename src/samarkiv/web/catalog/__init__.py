"""Staff pages of the archival description (arkivredovisning), mounted at /staff/catalog/."""
