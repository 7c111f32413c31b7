"""What ``gongkai review FILE`` prints: each table's review state, its seal and signature, and the open 批注."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .states import TableState

if TYPE_CHECKING:
    from ..session import Session


def review_report(session: Session, *, remember_keys: bool = True) -> dict[str, Any]:
    """Tables with a state (or comments), each with who/when/reason, the seal and its changes, the
    verification of its signature (see :mod:`.signing`), and threads; ``problems`` lists every failed check; ``remember_keys``: trust signers seen here for the first time."""
    review = session.review
    states = review.states()
    verification = review.verify(record=remember_keys)
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
        verdict = verification.tables.get(key)
        if verdict is not None:
            entry["signature"] = {"signed": verdict.signed, "signer": verdict.signer,
                                  "fingerprint": verdict.fingerprint, "trusted": verdict.trusted,
                                  "problems": verdict.problems, "notices": verdict.notices}
        entry["comments"] = [{"id": t.id, "place": review.place(t.first.tbl, t.first.row, t.first.col),
                              "resolved": t.resolved,
                              "thread": [{"author": c.author, "at": c.at, "text": c.text} for c in t.comments]}
                             for t in mine]
        out.append(entry)
    return {"file": str(session.doc.path), "tables": out,
            "open_comments": sum(1 for t in threads if not t.resolved),
            "broken_seals": [e["table"] for e in out if e.get("seal") and not e["seal"]["intact"]],
            "chain": {"ok": verification.chain.ok, "rows": verification.chain.rows,
                      "pre_chain": verification.chain.pre_chain, "problem": verification.chain.problem},
            "problems": verification.problems}


def review_text(report: dict[str, Any]) -> str:
    lines = []
    for e in report["tables"]:
        line = f"{e['table_name']}：{e['state_label']}"
        if e["who"]:
            line += f"（{e['who']} {e['at'].replace('T', ' ').rstrip('Z')[:16]}）"
        if e["reason"]:
            line += f" 原因：{e['reason']}"
        seal, sig = e.get("seal"), e.get("signature")
        if seal and not seal["intact"]:
            line += f"；封签已破，审核后修改 {len(seal['changes'])} 处："
        elif seal and sig and sig["trusted"]:
            line += f"；封签完好，签章有效（{sig['signer']}，密钥指纹 {sig['fingerprint']}）"
        elif seal or sig:
            line += "；签章不可信："
        lines.append(line)
        if seal and not seal["intact"]:
            lines += [f"    {c}" for c in seal["changes"]]
        if sig:
            lines += [f"    ✗ {p}" for p in sig["problems"]] + [f"    注意：{n}" for n in sig["notices"]]
        for t in e["comments"]:
            mark = "已解决" if t["resolved"] else "未解决"
            talk = "；".join(f"{c['author']}：{c['text']}" for c in t["thread"])
            lines.append(f"  批注[{mark}] {t['place']}：{talk}")
    chain = report["chain"]
    if not chain["ok"]:
        lines.append(f"✗ 修改记录链断裂：{chain['problem']}。文件在本软件之外被改动过。")
    if not lines:
        return "本文档还没有审核记录或批注。"
    lines.append(f"未解决批注 {report['open_comments']} 条；封签已破 {len(report['broken_seals'])} 张表；"
                 f"审核签章问题 {len(report['problems'])} 项。")
    return "\n".join(lines)
