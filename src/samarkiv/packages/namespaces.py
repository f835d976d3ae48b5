"""XML namespaces used by information packages, in one place."""

METS = "http://www.loc.gov/METS/"
XLINK = "http://www.w3.org/1999/xlink"
CSIP = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
SIP = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
FGS_EXT = "ExtensionMETS"
PREMIS3 = "http://www.loc.gov/premis/v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

NSMAP = {"mets": METS, "xlink": XLINK, "csip": CSIP, "sip": SIP, "ext": FGS_EXT}


def q(ns: str, local: str) -> str:
    """Clark notation, e.g. ``q(METS, "file")`` -> ``{http://www.loc.gov/METS/}file``."""
    return f"{{{ns}}}{local}"
