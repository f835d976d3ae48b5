"""Preservation: formats, fixity, AIPs and their events."""
