"""Preservation: AIPs, PREMIS events, format identification and fixity digests.

Deliberately no imports here. This package is also a Django app, and importing
``formats`` would load pygfried (a Go extension) into every web process at start-up;
import ``samarkiv.preservation.formats`` / ``.hashing`` where they are needed instead.
"""
