"""OCFL storage-root and object-structure rules shared by every storage medium.

The local location works on folders and the S3 location on object keys, but both
store the same OCFL 1.1 root (so copies can be compared file by file and an OCFL tool
can read either). The rules that do not care about the medium live here as pure
functions over relative paths and byte strings; each location feeds them what it
read. ``inventory.py`` holds the inventory itself, this module the tree around it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from samarkiv.storage.inventory import (
    INVENTORY,
    LAYOUT_CONFIG,
    LAYOUT_CONFIG_PATH,
    LAYOUT_FILE,
    LAYOUT_JSON,
    OBJECT_DECLARATION,
    OBJECT_DECLARATION_TEXT,
    ROOT_DECLARATION,
    ROOT_DECLARATION_TEXT,
    SIDECAR,
    parse_inventory,
    sidecar_matches,
    version_number,
)
from samarkiv.storage.location import StorageCorruptError, StorageLayoutError

OBJECT_PATH_DEPTH = 4  # three hash tuples, then the encoded id (extension 0003 defaults)
_OBJECT_ROOT_ENTRIES = {OBJECT_DECLARATION, INVENTORY, SIDECAR}


def root_files() -> list[tuple[str, bytes]]:
    """Storage-root files in write order: the declaration LAST.

    A half-made root (crash while creating it) then has no declaration and is simply
    created again, instead of being mistaken for a complete root.
    """
    return [
        (LAYOUT_FILE, json.dumps(LAYOUT_JSON, indent=2).encode() + b"\n"),
        (LAYOUT_CONFIG_PATH, json.dumps(LAYOUT_CONFIG, indent=2).encode() + b"\n"),
        (ROOT_DECLARATION, ROOT_DECLARATION_TEXT),
    ]


def root_layout_error(
    declaration: bytes | None, layout: dict | None, config: dict | None
) -> tuple[str, str] | None:
    """Why a storage root is not ours to write to, and which file says so; None if it is.

    ``config`` None means the optional config file is absent (the defaults apply).
    Writing objects under another layout would make them unfindable, so any doubt
    refuses the root rather than guessing.
    """
    if declaration != ROOT_DECLARATION_TEXT:
        return "is not empty and is not an OCFL 1.1 storage root", ROOT_DECLARATION
    if not layout or layout.get("extension") != LAYOUT_JSON["extension"]:
        return f"does not use the {LAYOUT_JSON['extension']} layout", LAYOUT_FILE
    effective = LAYOUT_CONFIG if config is None else config
    if any(effective.get(key) != value for key, value in LAYOUT_CONFIG.items()):
        return f"uses other layout parameters than {LAYOUT_CONFIG}", LAYOUT_CONFIG_PATH
    return None


def layout_json(data: bytes | None, name: str) -> dict | None:
    """A root layout file's JSON (None when absent); unreadable JSON refuses the root."""
    if data is None:
        return None
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise StorageLayoutError(f"cannot read {name}: {exc}", path=name) from exc
    return value if isinstance(value, dict) else {}


def split_object_key(relative: str) -> tuple[str, str] | None:
    """Storage-root-relative path -> (object path, path inside the object); None for root files.

    Under extension 0003 every object sits exactly four levels down, the first three
    being 3-hex-digit tuples, so a flat key listing groups into objects without reads.
    """
    parts = relative.split("/")
    if len(parts) <= OBJECT_PATH_DEPTH or parts[0] == "extensions":
        return None
    if not all(len(p) == 3 and all(c in "0123456789abcdef" for c in p) for p in parts[:3]):
        return None
    return "/".join(parts[:OBJECT_PATH_DEPTH]), "/".join(parts[OBJECT_PATH_DEPTH:])


def uncommitted_paths(head: str | None, present: Iterable[str]) -> list[str]:
    """Object-relative paths under ``vN/`` with N above the committed head (0 when none).

    A commit writes those before the root inventory names them, so they are exactly
    what an interrupted commit leaves behind.
    """
    committed = (version_number(head) or 0) if head else 0
    return sorted(p for p in present if (version_number(p.split("/", 1)[0]) or 0) > committed)


def listing_problems(inventory: dict, present: Iterable[str]) -> list[str]:
    """Structure problems visible from the list of object-relative paths alone.

    Content files (missing, or not in the manifest) are judged by
    ``fixity.content_report``, which reports them as findings a repair can act on.
    """
    present = set(present)
    problems = []
    if OBJECT_DECLARATION not in present:
        problems.append(f"{OBJECT_DECLARATION} is missing or has the wrong content")
    head = version_number(inventory["head"]) or 0
    stray_versions: set[str] = set()
    for path in sorted(present):
        top = path.split("/", 1)[0]
        number = version_number(top)
        if path in _OBJECT_ROOT_ENTRIES or top in inventory["versions"]:
            continue
        if number is not None and number > head:
            stray_versions.add(top)
        else:
            problems.append(f"unexpected entry {path} in the object root")
    problems += [
        f"{name}/ is an uncommitted version (an interrupted write; recover() removes it)"
        for name in sorted(stray_versions, key=version_number)
    ]
    for name in inventory["versions"]:
        if f"{name}/{INVENTORY}" not in present:
            problems.append(f"version {name}: {INVENTORY} is missing")
    return problems


def metadata_problems(
    object_id: str,
    inventory: dict,
    root_data: bytes,
    read: Callable[[str], bytes | None],
) -> list[str]:
    """Declaration, sidecars and version inventories, read through ``read(path)``.

    ``read`` returns an object-relative file's bytes, or None when it is absent.
    """
    problems = []
    declaration = read(OBJECT_DECLARATION)
    if declaration is not None and declaration != OBJECT_DECLARATION_TEXT:
        problems.append(f"{OBJECT_DECLARATION} is missing or has the wrong content")
    if inventory["id"] != object_id:
        problems.append(f"root inventory id is {inventory['id']!r}, not {object_id!r}")
    problems += _sidecar_problems(read(SIDECAR), root_data, INVENTORY)
    for name in sorted(inventory["versions"], key=lambda v: version_number(v) or 0):
        label = f"{name}/{INVENTORY}"
        data = read(label)
        if data is None:
            continue  # reported by listing_problems
        try:
            copy = parse_inventory(data, label)
        except StorageCorruptError as exc:
            problems.append(f"{label} unusable: {exc.message}")
            continue
        problems += _sidecar_problems(read(f"{name}/{SIDECAR}"), data, label)
        if name == inventory["head"] and data != root_data:
            problems.append(f"{label} differs from the root inventory (head must be identical)")
        elif copy.get("head") != name:
            problems.append(f"{label} has head {copy.get('head')!r}")
    return problems


def _sidecar_problems(sidecar: bytes | None, data: bytes, label: str) -> list[str]:
    if sidecar is None:
        return [f"{label}: sidecar {SIDECAR} is missing"]
    if not sidecar_matches(data, sidecar):
        return [f"{label}: sidecar digest does not match the inventory"]
    return []
