"""Package validation: E-ARK CSIP/SIP/DIP/AIP 2.x and FGS Paketstruktur 1.x.

Public entry point: :func:`validate_package`.
"""

from samarkiv.packages.validation.api import SPECIFICATIONS, validate_package

__all__ = ["SPECIFICATIONS", "validate_package"]
