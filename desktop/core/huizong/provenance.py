"""What a 汇总 document records about how it was made, in its meta under the key ``huizong`` (JSON).

``{"format": "gongkai-huizong", "version": 1, "name": 部门名称, "built_at", "built_by",
"units": [{"file", "name", "unit_name", "sha256", "size", "log_count", "log_head": {"id", "at", "who",
"action"}}], "origin": {table: {汇总 row key: [[unit index, the unit's row key], …]}}}``

``origin`` is present for named rows only (预算 表11–13), whose keys are renumbered; every other cell keeps
its key. The meta of a received file is as untrusted as the rest of it: :func:`read_provenance` checks
every field's type and refuses anything else with a Chinese message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..i18n import tr
from .errors import HuizongError
from .sources import Version

META_KEY = "huizong"
FORMAT = "gongkai-huizong"
VERSION = 1


@dataclass
class Provenance:
    name: str
    built_at: str
    built_by: str
    units: list[Version]
    origin: dict[str, dict[str, list[tuple[int, str]]]] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "version": VERSION, "name": self.name, "built_at": self.built_at,
                           "built_by": self.built_by, "units": [u.as_dict() for u in self.units],
                           "origin": {t: {k: [list(p) for p in v] for k, v in rows.items()}
                                      for t, rows in self.origin.items()}},
                          ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    def unit_key(self, table: str, index: int, row: str) -> str:
        """The 汇总 row key of unit ``index``'s row ``row`` (unchanged except for named rows)."""
        rows = self.origin.get(table)
        if not rows:
            return row
        return self._reverse(table).get((index, row), row)

    def _reverse(self, table: str) -> dict[tuple[int, str], str]:
        cache = self.__dict__.setdefault("_rev", {})
        if table not in cache:
            cache[table] = {(i, old): new for new, parts in self.origin.get(table, {}).items() for i, old in parts}
        return cache[table]


def _bad(what: str) -> HuizongError:
    return HuizongError(tr("汇总文件中记录的汇总来源信息不完整或被改动过（{what}），无法追溯到单位文件。"
                        "请用原始单位文件重新汇总。", what=what))


def _text(d: dict[str, Any], key: str, what: str) -> str:
    value = d.get(key, "")
    if not isinstance(value, str) or len(value) > 4096:
        raise _bad(what)
    return value


def _int(d: dict[str, Any], key: str, what: str) -> int:
    value = d.get(key, 0)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 1 << 62:
        raise _bad(what)
    return value


def _version(item: Any, n: int) -> Version:
    if not isinstance(item, dict):
        raise _bad(tr("第 {n} 个单位", n=n))
    where = tr("第 {n} 个单位", n=n)
    head = item.get("log_head", {})
    if not isinstance(head, dict) or not all(isinstance(v, str | int) and not isinstance(v, bool)
                                             for v in head.values()):
        raise _bad(tr("{where}的修改记录", where=where))
    sha = _text(item, "sha256", where)
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise _bad(tr("{where}的摘要", where=where))
    return Version(_text(item, "file", where), _text(item, "name", where), _text(item, "unit_name", where), sha,
                   _int(item, "size", where), _int(item, "log_count", where), dict(head),
                   bool(item.get("recovered", False)))


def read_provenance(meta: dict[str, str]) -> Provenance | None:
    """The provenance of a 汇总 document, or None when the document is not a 汇总."""
    raw = meta.get(META_KEY)
    if raw is None:
        return None
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise _bad(tr("不是有效的 JSON")) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _bad(tr("格式标记不对"))
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version > VERSION:
        raise HuizongError(tr("这个汇总文件由较新版本的公开表工作台生成，请升级软件后再追溯。"))
    units = data.get("units")
    if not isinstance(units, list):
        raise _bad(tr("单位列表"))
    origin_in = data.get("origin", {})
    if not isinstance(origin_in, dict):
        raise _bad(tr("行的来源"))
    origin: dict[str, dict[str, list[tuple[int, str]]]] = {}
    for table, rows in origin_in.items():
        if not isinstance(rows, dict):
            raise _bad(tr("行的来源"))
        for key, parts in rows.items():
            ok = isinstance(parts, list) and all(
                isinstance(p, list) and len(p) == 2 and isinstance(p[0], int) and not isinstance(p[0], bool)
                and 0 <= p[0] < len(units) and isinstance(p[1], str) for p in parts)
            if not ok:
                raise _bad(tr("行的来源"))
            origin.setdefault(str(table), {})[str(key)] = [(p[0], p[1]) for p in parts]
    return Provenance(_text(data, "name", tr("部门名称")), _text(data, "built_at", tr("汇总时间")),
                      _text(data, "built_by", tr("汇总人")), [_version(u, n) for n, u in enumerate(units, 1)], origin)
