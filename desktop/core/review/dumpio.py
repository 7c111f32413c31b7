"""The review part of the JSON dump: comments, table states with their history, seals.

``{"comments": [{"id", "parent_id", "tbl", "row", "col", "finding", "author", "at", "text", "resolved_by",
"resolved_at"}], "states": [{"tbl", "state", "who", "at", "reason"}], "history": [...same...],
"seals": [{"tbl", "digest", "figures", "signer", "at"}]}``; present in the dump only when non-empty.
A loaded seal counts changes from the moment of loading.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..document import Document, log_rows, review_rows, seal_rows
from ..document.review_rows import COMMENT_FIELDS as _COMMENT
from ..document.review_rows import STATE_FIELDS as _STATE
from ..document.seal_rows import SealRow
from ..i18n import tr
from .errors import ReviewError
from .states import TableState

_SEAL = ("tbl", "digest", "figures", "signer", "at")


def dump_review(doc: Document) -> dict[str, Any] | None:
    out = {
        "comments": [dict(zip(_COMMENT, r, strict=True)) for r in review_rows.comments(doc)],
        "states": [dict(zip(_STATE, r, strict=True)) for r in review_rows.states(doc)],
        "history": [dict(zip(_STATE, r, strict=True)) for r in review_rows.history(doc)],
        "seals": [{"tbl": s.tbl, "digest": s.digest, "figures": s.figures, "signer": s.signer, "at": s.at}
                  for s in seal_rows.seal_rows(doc)],
    }
    return out if any(out.values()) else None


_NUMBERS = {"id", "parent_id"}  # whole numbers; every other field is text
_OPTIONAL = {"id", "parent_id", "row", "col", "finding", "resolved_by", "resolved_at"}


def _field_ok(name: str, value: Any) -> bool:
    if value is None:
        return name in _OPTIONAL
    if name in _NUMBERS:
        return isinstance(value, int) and not isinstance(value, bool) and -2**63 <= value < 2**63
    return isinstance(value, str)


def _records(data: Mapping, key: str, fields: tuple[str, ...], problems: list[str]) -> list[tuple]:
    out = []
    items = data.get(key) or []
    if not isinstance(items, list):
        problems.append(tr("review.{key} 应为数组", key=key))
        return out
    for n, item in enumerate(items, 1):
        if not isinstance(item, Mapping) or not {f for f in fields if f not in ("parent_id",)} <= set(item):
            problems.append(tr("review.{key} 的第 {n} 项缺少字段：{item!r}", key=key, n=n, item=item)[:200])
            continue
        wrong = [f for f in fields if not _field_ok(f, item.get(f))]
        if wrong:
            problems.append(tr("review.{key} 的第 {n} 项：{wrong} 的类型不对（编号应为整数，其余应为文字，除可选项外不能为空）", key=key, n=n, wrong='、'.join(wrong)))
            continue
        out.append(tuple(item.get(f) for f in fields))
    return out


def parse_review(data: Any) -> dict[str, list[tuple]]:
    """Validate the ``review`` part of a dump; raises :class:`ReviewError` listing the problems."""
    if not data:
        return {}
    if not isinstance(data, Mapping):
        raise ReviewError(tr("review 应为对象"))
    problems: list[str] = []
    parsed = {"comments": _records(data, "comments", _COMMENT, problems),
              "states": _records(data, "states", _STATE, problems),
              "history": _records(data, "history", _STATE, problems),
              "seals": _records(data, "seals", _SEAL, problems)}
    for key in ("states", "seals"):  # one state and one seal per table
        tables = [r[0] for r in parsed[key]]
        problems += [tr("review.{key} 中表“{t}”出现了不止一次", key=key, t=t) for t in sorted({t for t in tables if tables.count(t) > 1})]
    ids = [r[0] for r in parsed["comments"] if r[0] is not None]
    if len(ids) != len(set(ids)):
        problems.append(tr("review.comments 中有重复的编号（id）"))
    valid = {s.value for s in TableState}
    problems += [tr("未知的审核状态：{r}", r=r[1]) for r in parsed["states"] + parsed["history"] if r[1] not in valid]
    if problems:
        raise ReviewError(tr("JSON 导出文件的审核记录有以下问题，未创建文档（请改正后重新载入）：\n")
                          + "\n".join(f"  - {p}" for p in problems[:20]))
    return parsed


def load_review(doc: Document, parsed: Mapping[str, list[tuple]]) -> None:
    """Write parsed review records into a freshly loaded document (one transaction)."""
    if not any(parsed.values()):
        return
    with doc.transaction(review=True) as tx:
        last = log_rows.last_id(tx)
        review_rows.load(tx, parsed["comments"], parsed["states"], parsed["history"],
                         [SealRow(*r, last) for r in parsed["seals"]])
