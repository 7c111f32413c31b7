"""What differs in the review records of two copies of a document: states, approvals (seals and their
signatures) and 批注 (new, gone, resolved or reopened, and comments whose text was changed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..document import Document, forms_rows, review_rows, seal_rows
from ..i18n import tr
from .states import TableState

STATE_LABELS = {s.value: s.label for s in TableState}


@dataclass(frozen=True)
class ReviewChange:
    tbl: str
    table: str  # 公开03表《支出决算表》
    kind: str  # state, approval, comment
    old: str
    new: str

    def text(self) -> str:
        what = {"state": tr("审核状态"), "approval": tr("审核签章"), "comment": tr("批注")}[self.kind]
        none = tr("无")
        return f"{self.table} {what}：{self.old or none} → {self.new or none}"


def _states(doc: Document) -> dict[str, str]:
    out = {}
    for tbl, state, who, at, reason in review_rows.states(doc):
        text = f"{STATE_LABELS.get(state, state)}（{who} {at.replace('T', ' ').rstrip('Z')[:16]}）"
        out[tbl] = text + (tr(" 原因：{reason}", reason=reason) if reason else "")
    return out


def _approvals(doc: Document) -> dict[str, str]:
    signed = seal_rows.signed_tables(doc)
    out = {}
    for seal in seal_rows.seal_rows(doc):
        how = tr("已签章") if seal.tbl in signed else tr("未签章")
        out[seal.tbl] = tr("{signer} {at} 封签（数字摘要 {digest}…，{how}）", signer=seal.signer,
                           at=seal.at.replace('T', ' ').rstrip('Z')[:16], digest=seal.digest[:8], how=how)
    return out


def _comments(doc: Document) -> dict[int, tuple[str, str, str, str | None]]:
    return {c.id: (c.tbl, c.author, c.text, c.resolved_by) for c in review_rows.comments(doc)}


def compare_review(old: Document, new: Document, table_name: Callable[[str], str]) -> list[ReviewChange]:
    """Every review difference from ``old`` to ``new``, table by table."""
    def name(tbl: str) -> str:
        if tbl.startswith(forms_rows.FORM_PREFIX):
            form_id = tbl[len(forms_rows.FORM_PREFIX):]
            title = None
            if form_id.isdigit():
                title = forms_rows.form_title(new, int(form_id))
                title = forms_rows.form_title(old, int(form_id)) if title is None else title
            return tr("绩效表《{title}》", title=title) if title is not None else tr("绩效表（{tbl}）", tbl=tbl)
        try:
            return table_name(tbl)
        except (KeyError, ValueError):
            return tbl
    out: list[ReviewChange] = []
    for kind, read in (("state", _states), ("approval", _approvals)):
        a, b = read(old), read(new)
        out += [ReviewChange(t, name(t), kind, a.get(t, ""), b.get(t, "")) for t in sorted(a.keys() | b.keys())
                if a.get(t) != b.get(t)]
    ca, cb = _comments(old), _comments(new)
    for cid in sorted(ca.keys() | cb.keys()):
        before, after = ca.get(cid), cb.get(cid)
        if before == after:
            continue
        tbl = (after or before)[0]  # type: ignore[index]
        def show(c: tuple[str, str, str, str | None] | None) -> str:
            if c is None:
                return ""
            mark = tr("，已由 {c} 解决", c=c[3]) if c[3] else ""
            return f"{c[1]}：{c[2]}{mark}"
        if before is not None and after is not None and before[2] != after[2]:
            out.append(ReviewChange(tbl, name(tbl), "comment", show(before), show(after) + tr("（批注原文被改动）")))
        else:
            out.append(ReviewChange(tbl, name(tbl), "comment", show(before), show(after)))
    return out
