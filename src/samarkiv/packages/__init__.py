"""Information packages: E-ARK CSIP/SIP/AIP/DIP, METS, PREMIS, FGS 1.x, SIARD.

This is a plain library. It must never import Django, so the CLI stays lean and the
web app, the API and ingest all call the very same code.
"""
