"""Browsing archived databases (SIARD) through rebuildable access copies."""
