"""SIARD 2.x: write (from live databases), read and validate. No Django here."""
