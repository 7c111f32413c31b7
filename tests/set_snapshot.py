"""A normalised, comparable picture of a compiled template set (for tests/test_set_variants.py).

``snapshot`` turns a loaded :class:`TemplateSet` into plain JSON data: the set's information, its tables
and its rules as their fields give them, in order. Two sets that compile to the same snapshot are the same
set for every part of the application. ``python tests/set_snapshot.py`` rewrites the committed snapshots
under tests/data/compiled_sets/ (only when a set is meant to change).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from msgspec import Struct

SNAPSHOTS = Path(__file__).resolve().parent / "data" / "compiled_sets"
# Not compiled content: ``detect`` (import hints no code read, removed from the model) and the set.yaml's
# own list of files (``tables``, ``rule_files``), which a set built on another set does not repeat. The
# snapshots taken before the redesign still hold them; comparisons leave them out on both sides.
IGNORED_INFO = ("detect", "tables", "rule_files")


def asdict(value: object) -> object:
    """``value`` as plain data: a record as the dict of its fields, recursively into records, lists, tuples
    and dicts (what ``dataclasses.asdict`` gave when the definitions were dataclasses)."""
    if isinstance(value, Struct):
        return {name: asdict(getattr(value, name)) for name in value.__struct_fields__}
    if isinstance(value, list | tuple):
        return type(value)(asdict(item) for item in value)
    if isinstance(value, dict):
        return {asdict(k): asdict(v) for k, v in value.items()}
    return value


def snapshot(tset) -> dict:
    info = asdict(tset.info)
    for name in IGNORED_INFO:
        info.pop(name, None)
    return {
        "folder": tset.folder.name,
        "info": info,
        "tables": [asdict(t) for t in tset.tables],
        "rules": [asdict(r) for r in tset.rules],
    }


def comparable(data: dict) -> dict:
    """``data`` without the information fields that are not compiled content."""
    info = {k: v for k, v in data["info"].items() if k not in IGNORED_INFO}
    return {**data, "info": info}


def dumps(data: dict) -> str:
    """One line per table and per rule, so a difference shows where it is."""
    lines = ["{", f'"folder": {json.dumps(data["folder"], ensure_ascii=False)},',
             f'"info": {json.dumps(data["info"], ensure_ascii=False, sort_keys=True)},', '"tables": [']
    lines += [json.dumps(t, ensure_ascii=False, sort_keys=True) + ("," if i < len(data["tables"]) - 1 else "")
              for i, t in enumerate(data["tables"])]
    lines += ["],", '"rules": [']
    lines += [json.dumps(r, ensure_ascii=False, sort_keys=True) + ("," if i < len(data["rules"]) - 1 else "")
              for i, r in enumerate(data["rules"])]
    lines += ["]", "}"]
    return "\n".join(lines) + "\n"


def digest(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def write_all() -> None:
    from desktop.core.definitions.loader import load_set, set_folders

    digests = {}
    for folder in set_folders():
        data = snapshot(load_set(folder))
        (SNAPSHOTS / f"{folder.name}.json").write_text(dumps(data), encoding="utf-8")
        digests[folder.name] = digest(data)
    (SNAPSHOTS / "digests.json").write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    write_all()
