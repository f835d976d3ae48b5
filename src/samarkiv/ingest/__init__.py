"""Ingest: receiving and checking deliveries (leveranser) before they become AIPs."""
