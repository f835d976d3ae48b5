"""One error hierarchy for every entry point.

The CLI maps these to exit codes, the web app and API to HTTP statuses and JSON bodies.
Each error carries a stable machine code and, where known, the rule and the file.
"""

from __future__ import annotations


class SamarkivError(Exception):
    """Base class: a domain error with a stable code and a human message."""

    code = "error"
    http_status = 400
    exit_code = 1

    def __init__(self, message: str, *, rule_id: str | None = None, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.rule_id = rule_id
        self.path = path

    def to_dict(self) -> dict:
        return {
            "ok": False,
            "code": self.code,
            "error": self.message,
            "rule_id": self.rule_id,
            "path": self.path,
        }


class UsageError(SamarkivError):
    code = "usage"
    exit_code = 2


class UnreadableInputError(SamarkivError):
    """The input cannot be read at all (missing file, unknown container type)."""

    code = "unreadable"
    exit_code = 2


class UnsafePackageError(SamarkivError):
    """A container tried something hostile (path traversal, bomb, symlink...)."""

    code = "unsafe_package"
    http_status = 422


class AccessDeniedError(SamarkivError):
    """The acting scope lacks the permission (the role, not the object, is the reason)."""

    code = "forbidden"
    http_status = 403


class NotFoundError(SamarkivError):
    """No such object in the acting tenant; other tenants' objects look the same."""

    code = "not_found"
    http_status = 404


class ConflictError(SamarkivError):
    """The request fits a state the object is no longer (or not yet) in."""

    code = "conflict"
    http_status = 409
