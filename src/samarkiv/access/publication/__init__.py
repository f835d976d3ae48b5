"""Secrecy (OSL) and publication: what the public may see, computed into a published projection."""
