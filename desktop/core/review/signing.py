"""The signature on a seal, and the verification of every signed table of a document.

审核通过 signs, with the approver's Ed25519 key, the canonical JSON of: the table, the SHA-256 of its
figures as sealed, the signer's name, the time, the set and unit of the file, and the change log's head at
that moment (id and chain value of the 审核通过 row). The file carries the public key (``signer_key``);
this computer remembers the keys it has seen per name (:mod:`.keys`).

:func:`verify_document` reports, per 已审核 table, in Chinese: 未签章, 签名无效, 密钥不在文件中, 本机首次
见到的密钥 (a notice, with the fingerprint), 密钥与本机记录不同 (loud), the change-log chain broken or
rewritten before the signed head, figures changed after the seal (with or without a log entry), and an
approval that breaks the separation of duties recorded in the signed log.
"""

from __future__ import annotations

import json

from msgspec import Struct, field

from ..document import Document, changelog, log_rows, seal_rows
from ..document.seal_rows import SignatureRow
from ..document.store import now_iso
from ..document.tx import Tx
from ..i18n import tr
from . import keys as ks
from . import seal as sl

PAYLOAD_VERSION = 1


def payload(source: Document | Tx, seal: sl.Seal, log_id: int, log_head: str) -> bytes:
    """The exact bytes signed for ``seal`` (rebuilt the same way when verifying)."""
    meta = seal_rows.signed_meta(source)
    body = {"v": PAYLOAD_VERSION, "tbl": seal.tbl, "figures_sha256": seal.digest, "signer": seal.signer,
            "at": seal.at, "log_id": log_id, "log_head": log_head, "set_id": meta.get("set_id", ""),
            "unit_name": meta.get("unit_name", ""), "year": meta.get("year", "")}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign(tx: Tx, seal: sl.Seal, head: tuple[int, str], key: ks.SigningKey) -> None:
    """Sign ``seal`` at log ``head`` and store the signature and the public key (caller's transaction)."""
    log_id, log_head = head
    signature = SignatureRow(seal.tbl, log_id, log_head, key.public_hex, key.sign(payload(tx, seal, log_id, log_head)))
    seal_rows.put_signature(tx, signature, signer=key.name, fingerprint=ks.fingerprint(key.public_hex),
                            added_at=now_iso())


class Verdict(Struct):
    """What verification found for one 已审核 table: ``problems`` fail it (CLI exit 1), ``notices`` do not."""

    tbl: str
    signer: str = ""
    fingerprint: str = ""
    signed: bool = False
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def trusted(self) -> bool:
        return self.signed and not self.problems


class Verification:
    """The verdict on each 已审核 table and on the change-log chain of ``doc``.

    The chain is verified when first asked for: a table's verdict asks for it, so it is verified at once
    when a table is 已审核; a document with none (most) shows nothing that depends on it until a reader
    asks (the verification dialog, ``gongkai review verify``), and walking a long log is not paid at every
    open (263 entries in the demo: 1.2 ms; ~5 µs an entry)."""

    def __init__(self, doc: Document | Tx) -> None:
        self._doc = doc
        self._chain: changelog.ChainCheck | None = None
        self.tables: dict[str, Verdict] = {}

    @property
    def chain(self) -> changelog.ChainCheck:
        if self._chain is None:
            self._chain = log_rows.verify_chain(self._doc)
        return self._chain

    @property
    def problems(self) -> list[str]:
        out = [] if self.chain.ok else [tr("修改记录链断裂：{problem}", problem=self.chain.problem)]
        return out + [p for v in self.tables.values() for p in v.problems]


def _duty_problems(source: Document | Tx, tbl: str, signer: str, log_id: int) -> list[str]:
    """Separation of duties as the signed log records it: the signer neither submitted the table nor
    changed its figures since the approval before."""
    before = log_rows.last_action_id(source, tbl, "review.approved", before_id=log_id)
    submitter = log_rows.last_actor(source, tbl, "review.submitted", before_id=log_id)
    out = []
    if submitter is not None and submitter == signer:
        out.append(tr("审核人 {signer} 也是提交人：自己提交、自己审核通过", signer=signer))
    edited = log_rows.edits_by(source, tbl, signer, before, log_id)
    if edited:
        out.append(tr("审核人 {signer} 在上次审核后亲自修改过本表 {edited} 处数字", signer=signer, edited=edited))
    return out


def verify_table(doc: Document, tbl: str, chain: changelog.ChainCheck, state_who: str,
                 *, record: bool = True) -> Verdict:
    """Verify the seal of one 已审核 table (see the module docstring for what is checked)."""
    seal = sl.read(doc, tbl)
    verdict = Verdict(tbl)
    if seal is None:
        verdict.problems.append(tr("标为已审核，但没有封签（审核状态可能被改动过）"))
        return verdict
    verdict.signer = seal.signer
    if state_who and state_who != seal.signer:
        verdict.problems.append(tr("审核状态记录的审核人（{state_who}）与封签的签章人（{signer}）不是同一人", state_who=state_who, signer=seal.signer))
    sig = seal_rows.read_signature(doc, tbl)
    if sig is None:
        verdict.problems.append(tr("未签章：封签没有 {signer} 的数字签名（由旧版本写入、由 JSON 载入，或被人改动过），"
                                "不能证明是审核人本人审核通过", signer=seal.signer))
        return verdict
    log_id, log_head, public_hex, signature = sig.log_id, sig.log_head, sig.public_key, sig.signature
    verdict.signed, verdict.fingerprint = True, ks.fingerprint(public_hex)
    if not seal_rows.has_signer_key(doc, seal.signer, public_hex):
        verdict.problems.append(tr("未知密钥：签章所用的密钥（指纹 {fingerprint}）不是文件中登记的 {signer} 的公钥", fingerprint=verdict.fingerprint, signer=seal.signer))
    if not ks.verify(public_hex, signature, payload(doc, seal, log_id, log_head)):
        verdict.problems.append(tr("签名无效：签章与封签内容（表、数字摘要、审核人、时间或修改记录）不符，封签被改动过"))
        return verdict
    if log_id != seal.log_id:
        verdict.problems.append(tr("封签记录的修改记录位置被改动过"))
    status = ks.key_status(seal.signer, public_hex, record=record)
    if status is ks.KeyStatus.CHANGED:
        known = "、".join(k.get("fingerprint", "") for k in ks.known_signers().get(seal.signer, []))
        verdict.problems.append(tr("警告：{signer} 的签章密钥（指纹 {fingerprint}）与本机记录的不同（{known}）。"
                                "可能有人冒用 {signer} 的名义签章；请当面或电话向 {signer} 核对指纹", signer=seal.signer, fingerprint=verdict.fingerprint, known=known))
    elif status is ks.KeyStatus.FIRST:
        verdict.notices.append(tr("本机第一次见到 {signer} 的签章密钥，指纹 {fingerprint}，已记住；"
                               "请向本人核对指纹", signer=seal.signer, fingerprint=verdict.fingerprint))
    if log_rows.chain_value(doc, log_id) != log_head:
        verdict.problems.append(tr("审核通过时的修改记录被改动或删除过（与签章时记下的不符）"))
    elif not chain.ok and chain.broken_at is not None and chain.broken_at <= log_id:
        verdict.problems.append(tr("审核通过前的修改记录被改动过（{problem}）", problem=chain.problem))
    verdict.problems += _duty_problems(doc, tbl, seal.signer, log_id)
    check = sl.check(doc, seal)
    if not check.intact:
        silent = [c for c in check.changes if not c.entries]
        logged = len(check.changes) - len(silent)
        if silent:
            verdict.problems.append(tr("审核后有 {silent_count} 处数字被改动且没有修改记录（用其他工具直接改了文件）", silent_count=len(silent)))
        if logged:
            verdict.problems.append(tr("审核后有 {logged} 处数字被修改，封签已破，需重新审核", logged=logged))
    return verdict


def verify_document(doc: Document, approved: dict[str, str], *, record: bool = True) -> Verification:
    """Verify the change-log chain and every table of ``approved`` ({table: who the state names})."""
    result = Verification(doc)
    for tbl, who in approved.items():
        result.tables[tbl] = verify_table(doc, tbl, result.chain, who, record=record)
    return result
