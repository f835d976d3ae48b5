"""Archival description: tenants (municipalities), records creators, classification, records."""
