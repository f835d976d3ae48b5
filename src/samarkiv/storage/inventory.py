"""OCFL 1.1 rules as plain data: the storage layout and the inventory.

Kept free of filesystem writes so the S3 location can reuse the same inventory
building and checking, and so the rules can be tested without a disk.

Layout: OCFL community extension ``0003-hash-and-id-n-tuple-storage-layout`` with its
defaults (sha256 of the id, 3 tuples of 3 hex characters, then the percent-encoded id
as the object folder). Chosen over 0004 (hash only) because the object folder names
the AIP (``urn%3auuid%3a...``), so an archivist browsing the disk without samarkiv can
find a package, and because ocfl-py's storage-root validator understands 0003 but
rejects 0004 as an unknown layout (E071).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

from samarkiv.storage.digests import is_sha256_hex, sha256_bytes
from samarkiv.storage.location import StorageCorruptError

SPEC = "1.1"
ROOT_DECLARATION = "0=ocfl_1.1"
ROOT_DECLARATION_TEXT = b"ocfl_1.1\n"
OBJECT_DECLARATION = "0=ocfl_object_1.1"
OBJECT_DECLARATION_TEXT = b"ocfl_object_1.1\n"
INVENTORY = "inventory.json"
SIDECAR = "inventory.json.sha256"
INVENTORY_TYPE = "https://ocfl.io/1.1/spec/#inventory"
CONTENT_DIR = "content"
DIGEST_ALGORITHM = "sha256"

LAYOUT_NAME = "0003-hash-and-id-n-tuple-storage-layout"
LAYOUT_FILE = "ocfl_layout.json"
LAYOUT_JSON = {
    "extension": LAYOUT_NAME,
    "description": (
        "Hashed Truncated N-tuple Trees with Object ID Encapsulating Directory: "
        "sha256 of the object id, 3 tuples of 3 characters, then the percent-encoded id"
    ),
}
LAYOUT_CONFIG = {
    "extensionName": LAYOUT_NAME,
    "digestAlgorithm": "sha256",
    "tupleSize": 3,
    "numberOfTuples": 3,
}
LAYOUT_CONFIG_PATH = f"extensions/{LAYOUT_NAME}/config.json"

_SAFE_ID_CHAR = re.compile(r"[A-Za-z0-9_-]")
_VERSION_DIR = re.compile(r"^v([1-9][0-9]*)$")


def object_path(object_id: str) -> str:
    """Storage-root-relative POSIX path of an object under extension 0003 (defaults).

    Each character outside A-Z a-z 0-9 - _ becomes %xx per UTF-8 byte (lower-case
    hex); an encoded id longer than 100 characters is cut there and the id's digest
    appended, so every id maps to one safe, bounded folder name.
    """
    if not object_id:
        raise ValueError("an OCFL object id cannot be empty")
    digest = sha256_bytes(object_id.encode("utf-8"))
    tuples = [digest[i * 3 : i * 3 + 3] for i in range(3)]
    encoded = "".join(
        ch if _SAFE_ID_CHAR.fullmatch(ch) else "".join(f"%{b:02x}" for b in ch.encode("utf-8"))
        for ch in object_id
    )
    if len(encoded) > 100:
        encoded = f"{encoded[:100]}-{digest}"
    return "/".join([*tuples, encoded])


def version_number(name: str) -> int | None:
    """3 for "v3"; None for anything that is not an unpadded OCFL version folder name."""
    match = _VERSION_DIR.match(name)
    return int(match.group(1)) if match else None


def is_valid_logical_path(path: str) -> bool:
    """OCFL logical/content path rules (E053, E099): relative, no empty, . or .. parts."""
    if not path or path.startswith("/") or path.endswith("/"):
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))


def serialize(inventory: dict) -> bytes:
    """Inventory as UTF-8 JSON; sorted keys make identical states byte-identical."""
    text = json.dumps(inventory, indent=2, ensure_ascii=False, sort_keys=True)
    return text.encode("utf-8") + b"\n"


def sidecar_bytes(inventory_bytes: bytes) -> bytes:
    """Sidecar text: "<digest> inventory.json" (OCFL inventory digest, E061)."""
    return f"{sha256_bytes(inventory_bytes)} {INVENTORY}\n".encode("ascii")


def sidecar_matches(inventory_bytes: bytes, sidecar: bytes) -> bool:
    """True when a sidecar names the digest of these inventory bytes."""
    parts = sidecar.decode("ascii", errors="replace").split()
    return len(parts) == 2 and parts[1] == INVENTORY and parts[0] == sha256_bytes(inventory_bytes)


def build_inventory(
    object_id: str,
    previous: dict | None,
    state: dict[str, str],
    *,
    message: str,
    user_name: str,
    user_address: str = "",
) -> tuple[dict, dict[str, str]]:
    """The next inventory for a full logical state, plus what content must be stored.

    Returns ``(inventory, to_store)`` where ``to_store`` maps a logical path (a file in
    staging) to its content path in the object. Digests already stored by an earlier
    version are not stored again (OCFL forward-delta deduplication); within the new
    version every file is kept (OCFL allows several content paths per digest), so the
    first version of an AIP is a complete E-ARK package on disk, readable without us.
    """
    number = 1 if previous is None else int(previous["head"][1:]) + 1
    head = f"v{number}"
    manifest: dict[str, list[str]] = (
        {d: list(paths) for d, paths in previous["manifest"].items()} if previous else {}
    )
    to_store: dict[str, str] = {}
    stored_before = set(manifest)
    for logical in sorted(state):
        digest = state[logical]
        if digest not in stored_before:
            content_path = f"{head}/{CONTENT_DIR}/{logical}"
            manifest.setdefault(digest, []).append(content_path)
            to_store[logical] = content_path
    versions = dict(previous["versions"]) if previous else {}
    versions[head] = _version_block(state, message, user_name, user_address)
    inventory = {
        "id": object_id,
        "type": INVENTORY_TYPE,
        "digestAlgorithm": DIGEST_ALGORITHM,
        "head": head,
        "contentDirectory": CONTENT_DIR,
        "manifest": manifest,
        "versions": versions,
    }
    return inventory, to_store


def _version_block(state: dict[str, str], message: str, user_name: str, address: str) -> dict:
    """One ``versions`` entry: the state is digest -> logical paths, as OCFL requires."""
    by_digest: dict[str, list[str]] = {}
    for logical in sorted(state):
        by_digest.setdefault(state[logical], []).append(logical)
    user = {"name": user_name}
    if address:
        user["address"] = address
    return {
        "created": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "message": message,
        "user": user,
        "state": by_digest,
    }


def parse_inventory(data: bytes, where: str) -> dict:
    """Parse and sanity-check an inventory we are about to rely on.

    Only what reading and extending need (a full audit is ``verify_object`` and the
    OCFL validators); anything off raises StorageCorruptError naming ``where``.
    """
    try:
        inventory = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StorageCorruptError(f"inventory is not UTF-8 JSON: {exc}", path=where) from exc
    if not isinstance(inventory, dict):
        raise StorageCorruptError("inventory is not a JSON object", path=where)
    problems = _inventory_shape_problems(inventory)
    if problems:
        raise StorageCorruptError("; ".join(problems), path=where)
    return inventory


def _inventory_shape_problems(inventory: dict) -> list[str]:
    problems = []
    if inventory.get("digestAlgorithm") != DIGEST_ALGORITHM:
        problems.append(f"digestAlgorithm is {inventory.get('digestAlgorithm')!r}, not sha256")
    if not isinstance(inventory.get("id"), str) or not inventory["id"]:
        problems.append("inventory has no id")
    versions = inventory.get("versions")
    manifest = inventory.get("manifest")
    if not isinstance(versions, dict) or not isinstance(manifest, dict):
        return [*problems, "inventory lacks manifest or versions"]
    head = inventory.get("head")
    if not isinstance(head, str) or version_number(head) is None or head not in versions:
        problems.append(f"head {head!r} is not one of the versions")
    for digest, paths in manifest.items():
        if not is_sha256_hex(digest) or not isinstance(paths, list) or not paths:
            problems.append(f"bad manifest entry {digest!r}")
    for name, block in versions.items():
        state = block.get("state") if isinstance(block, dict) else None
        if not isinstance(state, dict):
            problems.append(f"version {name} has no state")
            continue
        missing = [d for d in state if d not in manifest]
        if missing:
            problems.append(f"version {name} names digests missing from the manifest")
    return problems


def read_inventory(path: Path) -> tuple[dict, bytes]:
    """Read and parse an inventory file; return it and its raw bytes (for sidecars)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StorageCorruptError(f"cannot read inventory: {exc}", path=str(path)) from exc
    return parse_inventory(data, str(path)), data


def version_state(inventory: dict, version: str | None = None) -> dict[str, str]:
    """Logical path -> digest for a version (default: head)."""
    name = version or inventory["head"]
    block = inventory["versions"].get(name)
    if block is None:
        raise KeyError(name)
    return {path: digest for digest, paths in block["state"].items() for path in paths}


def content_path(inventory: dict, digest: str) -> str:
    """The first stored copy of a digest (object-relative path)."""
    return inventory["manifest"][digest][0]
