"""Compose a set's raw data: follow ``extends:`` of sets and table files, apply their patches.

The result (:class:`RawSet`) is still YAML data with file and line information; loader.py validates
it against the models. A set folder ``<root>/<id>/set.yaml`` either lists its tables and rule files, or
``extends:`` another set of the same root and patches it. A table file either is a table, or
``extends:`` another table file and patches it. Every referenced file must lie under the root.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..i18n import tr
from .errors import DefinitionError
from .patch import apply_list_entry, check_entry, fail, new_items, set_fields
from .table_patch import patch_table
from .yaml_source import YDict, YList, clone, located, read_yaml

INFO_FIELDS = ("id", "name", "kind", "year", "region", "version", "description", "money_unit")
BASE_SET_KEYS = {*INFO_FIELDS, "tables", "rule_files"}
DERIVED_SET_KEYS = {*INFO_FIELDS, "extends", "patch", "rule_files"}
SET_TARGETS: dict[str | None, set[str]] = {
    "table": {"use", "patch", "set", "remove", "before", "after", "replace", "move_before", "move_after"},
    "rule": {"set", "remove", "before", "after", "replace", "move_before", "move_after"},
}


@dataclass
class RawSet:
    """A set's information, tables and rules as raw data, with where each table was listed."""

    info: YDict
    tables: list[YDict] = field(default_factory=list)
    origins: list[tuple[str, int]] = field(default_factory=list)
    rules: YList = field(default_factory=YList)


class Composer:
    """Reads and composes the definition files under one templates root (each file read once)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(os.path.normpath(root.absolute()))
        self._read: dict[Path, Any] = {}

    def read(self, path: Path) -> Any:
        if path not in self._read:
            self._read[path] = read_yaml(path)
        return clone(self._read[path])

    def name(self, path: Path) -> str:
        return str(path.relative_to(self.root)) if self.root in path.parents else str(path)

    def resolve(self, base: Path, relative: Any, owner: YDict, key: str) -> Path:
        """``relative`` (from the file at ``base``) as a path that must stay under the root."""
        file, line = owner.where(key)
        if not isinstance(relative, str) or not relative:
            raise DefinitionError(file, key, tr("应写一个相对路径，如 ../_shared/x.yaml"), code="GK110", line=line)
        path = Path(os.path.normpath(base.parent / relative))
        if self.root not in path.parents:
            raise DefinitionError(file, key, tr("引用的文件 {relative} 不在模板文件夹之下，请放进 {root}", relative=relative, root=self.root),
                                  code="GK113", line=line)
        return path

    def _cycle(self, chain: list[Path], path: Path, file: str, line: int) -> DefinitionError:
        names = " → ".join(self.name(p) for p in [*chain[chain.index(path):], path])
        return DefinitionError(file, "extends", tr("extends 循环引用：{names}；请去掉其中一处 extends", names=names), code="GK104",
                               line=line)

    # -- tables ---------------------------------------------------------------------------------
    def table(self, path: Path, chain: list[Path] | None = None) -> YDict:
        """The raw table in ``path``, its ``extends:`` followed and its ``patch:`` applied."""
        chain = [*(chain or []), path]
        data = self.read(path)
        if not isinstance(data, YDict):
            raise DefinitionError(str(path), "", tr("表文件应是一个映射（key、title、blocks …）"), code="GK110", line=1)
        if "extends" not in data:
            if "patch" in data:
                raise fail(data, "GK114", tr("patch 只能与 extends 一起使用（写明要修改哪个表文件）"), "patch")
            return data
        for key in data:
            if key not in ("extends", "patch"):
                raise fail(data, "GK101", tr("extends 的表文件只能写 extends 与 patch，不能写 {key}；请改用 patch 的 set", key=key),
                           key)
        base = self.resolve(path, data["extends"], data, "extends")
        if base in chain:
            raise self._cycle(chain, base, *data.where("extends"))
        table = self.table(base, chain)
        patch_table(table, data.get("patch") or YList(), *data.where("patch"))
        return table

    # -- sets -----------------------------------------------------------------------------------
    def set(self, folder: Path, chain: list[Path] | None = None) -> RawSet:
        """The raw set in ``folder``; a set that ``extends:`` another is that set, patched."""
        folder = Path(os.path.normpath(folder.absolute()))
        chain = [*(chain or []), folder / "set.yaml"]
        path = chain[-1]
        data = self.read(path)
        if not isinstance(data, YDict):
            raise DefinitionError(str(path), "", tr("set.yaml 应是一个映射（id、name、tables …）"), code="GK110", line=1)
        allowed = DERIVED_SET_KEYS if "extends" in data else BASE_SET_KEYS
        for key in data:
            if key not in allowed:
                hint = tr("；继承的模板用 patch 改表") if key == "tables" else ""
                raise fail(data, "GK101", tr("set.yaml 中未知的键 {key}{hint}（可用：{allowed}）", key=key, hint=hint, allowed='、'.join(sorted(allowed))), key)
        raw = self._derived(data, path, chain) if "extends" in data else self._base(data, path)
        for i, rel in enumerate(data.get("rule_files") or []):
            rules_path = self.resolve(path, rel, located_list_owner(data, "rule_files", i), "rule_files")
            raw.rules.extend(self._rules(rules_path))
        return raw

    def _base(self, data: YDict, path: Path) -> RawSet:
        info = YDict({k: v for k, v in data.items() if k in INFO_FIELDS})
        info.file, info.line, info.key_lines = data.file, data.line, getattr(data, "key_lines", {})
        raw = RawSet(info)
        refs = data.get("tables")
        if not isinstance(refs, YList) or not refs:
            raise fail(data, "GK111" if refs is None else "GK110", tr("set.yaml 应列出至少一张表（tables）"),
                       "tables" if refs is not None else None)
        for i, ref in enumerate(refs):
            self._add_table(raw, len(raw.tables), ref, refs, i, path)
        return raw

    def _add_table(self, raw: RawSet, pos: int, ref: Any, parent: YList, index: int, path: Path) -> None:
        file, line = parent.where(index)
        if not isinstance(ref, YDict) or "file" not in ref:
            raise DefinitionError(file, "tables", tr("表应写成 {file: 路径}（可加 label、title）"), code="GK110", line=line)
        for key in ref:
            if key not in ("file", "label", "title"):
                raise fail(ref, "GK101", tr("表引用中未知的键 {key}（可用：file、label、title）", key=key), key)
        table = self.table(self.resolve(path, ref["file"], ref, "file"))
        for key in ("label", "title"):
            if ref.get(key) is not None:
                table.put(key, ref[key], *ref.where(key))
        raw.tables.insert(pos, table)
        raw.origins.insert(pos, (file, line))

    def _derived(self, data: YDict, path: Path, chain: list[Path]) -> RawSet:
        base_id = data["extends"]
        file, line = data.where("extends")
        if not isinstance(base_id, str) or not base_id:
            raise DefinitionError(file, "extends", tr("extends 应写被继承模板的文件夹名，如 shanxi_2022_juesuan"),
                                  code="GK110", line=line)
        base_path = Path(os.path.normpath(self.root / base_id / "set.yaml"))
        if self.root not in base_path.parents or not base_path.is_file():
            raise DefinitionError(file, "extends", tr("没有名为 {base_id} 的模板（{name} 不存在）", base_id=base_id, name=self.name(base_path)),
                                  code="GK102", line=line)
        if base_path in chain:
            raise self._cycle(chain, base_path, file, line)
        if "id" not in data:
            raise fail(data, "GK111", tr("继承的模板也要写自己的 id"))
        raw = self.set(base_path.parent, chain)
        for key in INFO_FIELDS:
            if key in data:
                raw.info.put(key, data[key], *data.where(key))
        entries = data.get("patch") or YList()
        if not isinstance(entries, YList):
            raise fail(data, "GK114", tr("patch 应是补丁的列表（每条以 - 开头）"), "patch")
        for i, entry in enumerate(entries):
            target = check_entry(entry, entries, i, SET_TARGETS)
            if target == "rule":
                ids = entry["rule"] if isinstance(entry["rule"], list) else [entry["rule"]]
                for rule_id in ids:  # a list: the same change to each rule
                    apply_list_entry(entry, raw.rules, str(rule_id), "rule", field="id")
            else:
                keys = entry["table"] if isinstance(entry["table"], list) else [entry["table"]]
                for key in keys:  # a list: the same change to each table
                    self._patch_set_table(raw, entry, path, str(key))
        return raw

    def _patch_set_table(self, raw: RawSet, entry: YDict, path: Path, key: str) -> None:
        keys = [str(t.get("key")) for t in raw.tables]
        if key not in keys:
            raise fail(entry, "GK108", tr("补丁指向的表 {key} 不存在（有：{keys}）", key=key, keys='、'.join(keys)), "table")
        at = keys.index(key)
        if "use" in entry:
            table = self.table(self.resolve(path, entry["use"], entry, "use"))
            if str(table.get("key")) != key:
                raise fail(entry, "GK115", tr("use 的表键是 {used}，不是 {key}；换成另一张表请用 replace", used=table.get('key'), key=key), "use")
            raw.tables[at] = table
        if "patch" in entry:
            patch_table(raw.tables[at], entry["patch"], *entry.where("patch"))
        if "set" in entry:
            set_fields(entry, raw.tables[at], forbidden=("blocks",))
        if "remove" in entry:
            del raw.tables[at], raw.origins[at]
            return
        if "replace" in entry:
            del raw.tables[at], raw.origins[at]
            self._insert_tables(raw, at, entry, "replace", path, set(keys) - {key})
            return
        for action in ("move_before", "move_after"):
            if action in entry:
                table, origin = raw.tables.pop(at), raw.origins.pop(at)
                dest = [str(t.get("key")) for t in raw.tables]
                if str(entry[action]) not in dest:
                    raise fail(entry, "GK108", tr("{action} 指向的表 {entry} 不存在", action=action, entry=entry[action]), action)
                to = dest.index(str(entry[action])) + (action == "move_after")
                raw.tables.insert(to, table)
                raw.origins.insert(to, origin)
                at = to
        if "before" in entry:
            self._insert_tables(raw, at, entry, "before", path, set(keys))
            at = [str(t.get("key")) for t in raw.tables].index(key)
        if "after" in entry:
            self._insert_tables(raw, at + 1, entry, "after", path, {str(t.get("key")) for t in raw.tables})

    def _insert_tables(self, raw: RawSet, pos: int, entry: YDict, action: str, path: Path, taken: set[str]) -> None:
        refs = YList(new_items(entry, action))
        for i, ref in enumerate(refs):
            self._add_table(raw, pos + i, ref, refs, i, path)
            new_key = str(raw.tables[pos + i].get("key"))
            if new_key in taken:
                raise fail(entry, "GK116", tr("要插入的表 {new_key} 已存在；改它请用 patch，换掉它请用 replace", new_key=new_key), action)
            taken.add(new_key)

    def _rules(self, path: Path) -> YList:
        data = self.read(path)
        if data is None:
            return YList()
        if not isinstance(data, YDict):
            raise DefinitionError(str(path), "", tr("规则文件应是一个映射（rules: [...]）"), code="GK110", line=1)
        for key in data:
            if key != "rules":
                raise fail(data, "GK101", tr("规则文件中未知的键 {key}（只能写 rules）", key=key), key)
        rules = data.get("rules") or YList()
        if not isinstance(rules, YList):
            raise fail(data, "GK110", tr("rules 应是规则的列表"), "rules")
        return rules


def located_list_owner(data: YDict, key: str, index: int) -> YDict:
    """A one-key mapping placed at entry ``index`` of list ``data[key]`` (for error places)."""
    items = data[key]
    file, line = items.where(index) if isinstance(items, YList) else data.where(key)
    return located({key: None}, file, line)  # type: ignore[no-any-return]
