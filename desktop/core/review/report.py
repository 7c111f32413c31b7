"""What ``gongkai review FILE`` prints: each table's review state, its seal, and the open 批注."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .states import TableState

if TYPE_CHECKING:
    from ..session import Session


def review_report(session: Session) -> dict[str, Any]:
    """Tables with a state (or comments), each with who/when/reason, the seal and its changes, and threads."""
    review = session.review
    states = review.states()
    threads = review.threads()
    keys = [t.key for t in session.tset.tables] + sorted(k for k in states if k.startswith("jixiao:"))
    out = []
    for key in keys:
        record = review.state(key)
        mine = [t for t in threads if t.first.tbl == key]
        if key not in states and not mine:
            continue
        entry: dict[str, Any] = {"table": key, "table_name": review.table_name(key), "state": record.state.value,
                                 "state_label": record.state.label, "who": record.who, "at": record.at,
                                 "reason": record.reason}
        check = review.seal_check(key) if record.state is TableState.APPROVED else None
        if check is not None:
            typed, totals = review.split_changes(check)
            entry["seal"] = {"signer": check.seal.signer, "at": check.seal.at, "digest": check.seal.digest,
                             "intact": check.intact, "changes": [review.change_text(c) for c in typed],
                             "totals_changed": len(totals)}
        entry["comments"] = [{"id": t.id, "place": review.place(t.first.tbl, t.first.row, t.first.col),
                              "resolved": t.resolved,
                              "thread": [{"author": c.author, "at": c.at, "text": c.text} for c in t.comments]}
                             for t in mine]
        out.append(entry)
    return {"file": str(session.doc.path), "tables": out,
            "open_comments": sum(1 for t in threads if not t.resolved),
            "broken_seals": [e["table"] for e in out if e.get("seal") and not e["seal"]["intact"]]}


def review_text(report: dict[str, Any]) -> str:
    lines = []
    for e in report["tables"]:
        line = f"{e['table_name']}：{e['state_label']}"
        if e["who"]:
            line += f"（{e['who']} {e['at'].replace('T', ' ').rstrip('Z')[:16]}）"
        if e["reason"]:
            line += f" 原因：{e['reason']}"
        seal = e.get("seal")
        if seal:
            line += "；封签完好" if seal["intact"] else f"；封签已破，审核后修改 {len(seal['changes'])} 处："
        lines.append(line)
        if seal and not seal["intact"]:
            lines += [f"    {c}" for c in seal["changes"]]
        for t in e["comments"]:
            mark = "已解决" if t["resolved"] else "未解决"
            talk = "；".join(f"{c['author']}：{c['text']}" for c in t["thread"])
            lines.append(f"  批注[{mark}] {t['place']}：{talk}")
    if not lines:
        return "本文档还没有审核记录或批注。"
    lines.append(f"未解决批注 {report['open_comments']} 条；封签已破 {len(report['broken_seals'])} 张表。")
    return "\n".join(lines)
