"""Patches: change a table (its fields, blocks, columns, rows) or a list of keyed items by key.

A patch is a list of entries; each entry names one target and one or more actions, e.g.
``{row: '309..30907', set: {na: []}}`` or ``{column: amount, remove: true}``. Patches work on the raw
YAML data (before validation), so the models check the result exactly as they check a hand-written
table. resources/templates/README.md documents the vocabulary; every mistake raises a coded
:class:`DefinitionError` naming the patch entry's file and line.
"""

from __future__ import annotations

from typing import Any

from .errors import DefinitionError
from .yaml_source import YDict, YList, clone, located

INSERT = ("before", "after", "replace")
TARGET_ACTIONS = {
    None: {"set", "rename_header"},
    "block": {"set", "remove", *INSERT, "add_rows"},
    "column": {"in", "set", "remove", *INSERT},
    "row": {"set", "remove", *INSERT, "move_before", "move_after", "shift_hangci"},
}
MISSING_CODE = {"block": "GK107", "column": "GK106", "row": "GK105", "table": "GK108", "rule": "GK109"}
NOUN = {"block": "块", "column": "列", "row": "行", "table": "表", "rule": "规则"}


def fail(entry: YDict, code: str, problem: str, key: str | None = None) -> DefinitionError:
    """An error placed at a patch entry (at one of its keys when given)."""
    file, line = entry.where(key) if key is not None else (entry.file, entry.line)
    return DefinitionError(file, "patch", problem, code=code, line=line or None)


def check_entry(entry: Any, parent: YList, index: int, targets: dict[str | None, set[str]]) -> str | None:
    """The entry's target kind (a key of ``targets``) after checking its keys; raises GK101/GK114."""
    if not isinstance(entry, YDict):
        file, line = parent.where(index)
        raise DefinitionError(file, "patch", "每条补丁应是一个映射（如 {row: 键, set: {...}}）", code="GK114", line=line)
    named = [t for t in targets if t is not None and t in entry]
    if len(named) > 1:
        raise fail(entry, "GK114", f"一条补丁只能指向一种目标，这里同时写了 {'、'.join(named)}")
    target = named[0] if named else None
    if target is None and None not in targets:
        raise fail(entry, "GK114", f"补丁应写明目标（{'、'.join(t for t in targets if t)} 之一）")
    allowed = targets[target]
    for key in entry:
        if key != target and key not in allowed:
            raise fail(entry, "GK101", f"补丁中未知的键 {key}（可用：{'、'.join(sorted(allowed))}）", key)
    actions = [k for k in entry if k not in (target, "in")]
    if not actions:
        raise fail(entry, "GK114", "补丁没有写要做什么（如 set、remove、before、after、replace）")
    exclusive = [k for k in actions if k in ("remove", "replace")]
    if exclusive and len(actions) > 1:
        raise fail(entry, "GK114", f"{exclusive[0]} 不能与其他动作写在同一条补丁里")
    if "move_before" in entry and "move_after" in entry:
        raise fail(entry, "GK114", "move_before 与 move_after 只能写一个")
    if entry.get("remove", True) is not True:
        raise fail(entry, "GK114", "remove 只能写 true", "remove")
    return target


def new_items(entry: YDict, action: str) -> list[YDict]:
    """The mappings an insert action brings (one mapping or a list of them), as fresh copies."""
    value = entry[action]
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(i, dict) for i in items):
        raise fail(entry, "GK114", f"{action} 应是一个映射或映射的列表", action)
    file, line = entry.where(action)
    return [clone(located(i, file, line)) for i in items]


def set_fields(entry: YDict, target: YDict, forbidden: tuple[str, ...] = ()) -> None:
    """Apply ``set:`` to one target mapping: each field replaced whole; ``key`` can never change."""
    values = entry["set"]
    if not isinstance(values, dict) or not values:
        raise fail(entry, "GK114", "set 应是一个非空映射，如 set: {label: 新名称}", "set")
    for name, value in values.items():
        if name in ("key", "id"):
            raise fail(entry, "GK115", f"补丁不能修改 {name}（键要保持稳定）；要换成另一项请用 replace", "set")
        if name in forbidden:
            raise fail(entry, "GK114", f"不能用 set 改 {name}，请用针对它的补丁（block、column、row）", "set")
        file, line = values.where(name) if isinstance(values, YDict) else entry.where("set")
        target.put(name, clone(located(value, file, line)), file, line)


def keyed_index(items: list, key: str, field: str = "key") -> int | None:
    return next((i for i, item in enumerate(items) if isinstance(item, dict) and str(item.get(field)) == key), None)


def insert_unique(entry: YDict, items: list, pos: int, new: list[YDict], taken: set[str], what: str,
                  field: str = "key") -> None:
    """Insert ``new`` at ``pos``; a key already taken is GK116."""
    for item in new:
        key = str(item.get(field))
        if key in taken:
            raise fail(entry, "GK116", f"要插入的{what} {key} 已存在；改它请用 set，换掉它请用 replace")
        taken.add(key)
    items[pos:pos] = new


def apply_list_entry(entry: YDict, items: list, key: str, what: str, field: str = "key") -> None:
    """set / remove / replace / before / after / move_before / move_after on one keyed item of ``items``."""
    at = keyed_index(items, key, field)
    if at is None:
        raise fail(entry, MISSING_CODE[what], f"补丁指向的{NOUN[what]} {key} 不存在", what)
    taken = {str(i.get(field)) for i in items if isinstance(i, dict)}
    if "set" in entry:
        set_fields(entry, items[at])
    if "remove" in entry:
        del items[at]
        return
    if "replace" in entry:
        item = items.pop(at)
        insert_unique(entry, items, at, new_items(entry, "replace"), taken - {str(item.get(field))}, NOUN[what], field)
        return
    for action in ("move_before", "move_after"):
        if action in entry:
            dest = str(entry[action])
            item = items.pop(at)
            to = keyed_index(items, dest, field)
            if to is None:
                raise fail(entry, MISSING_CODE[what], f"{action} 指向的{NOUN[what]} {dest} 不存在", action)
            items.insert(to + (action == "move_after"), item)
            at = keyed_index(items, key, field)
    if "before" in entry:
        insert_unique(entry, items, at, new_items(entry, "before"), taken, NOUN[what], field)
        at = keyed_index(items, key, field)
    if "after" in entry:
        insert_unique(entry, items, at + 1, new_items(entry, "after"), taken, NOUN[what], field)
