"""Sign-off a reviewer can trust (issue 14): separation of duties in the core, locked figures, signed seals,
the hash-chained change log, and each forgery a clerk could try with the sqlite3 module, detected and named."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from conftest import make_old_document
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from desktop.cli import main
from desktop.core.demo import build_demo
from desktop.core.document import Document, changelog
from desktop.core.document.testing import raw_connection_for_tests
from desktop.core.jixiao.errors import FormEditError
from desktop.core.review import ReviewError, TableState
from desktop.core.review import keys as ks
from desktop.core.review import seal as sl
from desktop.core.review.signing import payload
from desktop.core.session import EditError, Session

CELL = ("zhichu", "2101501", "jb")  # 682,056.40 in the demo
CLERK, REVIEWER = "张会计", "李审核"


@pytest.fixture
def profiles(tmp_path, monkeypatch):
    """Two computers: the clerk's and the reviewer's profile folders; ``use(name)`` sits at one."""
    folders = {CLERK: tmp_path / "clerk-profile", REVIEWER: tmp_path / "reviewer-profile"}

    def use(name: str) -> None:
        monkeypatch.setenv("GONGKAI_PROFILE", str(folders[name]))

    use(CLERK)
    return use


@pytest.fixture
def signed(tmp_path, profiles) -> Path:
    """The clerk filled in and submitted 公开03表 on their computer; the reviewer approved it on theirs."""
    path = build_demo(tmp_path / "demo.gkb", who=CLERK)
    with closing(Session.open(path, who=CLERK)) as s:
        s.review.submit("zhichu", who=CLERK)
    profiles(REVIEWER)
    with closing(Session.open(path, who=REVIEWER, review=True)) as s:
        s.review.approve("zhichu", who=REVIEWER)
    return path


def forged_copy(path: Path, *statements: tuple[str, tuple]) -> Path:
    """A copy of ``path`` changed with plain sqlite3 (as a clerk with a SQLite tool would)."""
    copy = path.with_name("forged.gkb")
    shutil.copy(path, copy)
    conn = sqlite3.connect(copy)
    for sql, params in statements:
        conn.execute(sql, params)
    conn.commit()
    conn.close()
    return copy


def verdict(path: Path, tbl: str = "zhichu"):
    with closing(Session.open(path, readonly=True)) as s:
        result = s.review.verify()
        return result, result.tables.get(tbl)


def review_cli(path: Path, capsys) -> tuple[int, str]:
    code = main(["review", str(path)])
    return code, capsys.readouterr().out


# -- separation of duties ---------------------------------------------------------------------
def test_the_clerk_cannot_approve_their_own_table_even_in_edit_mode(tmp_path):
    path = build_demo(tmp_path / "demo.gkb", who=CLERK)
    with closing(Session.open(path, who=CLERK)) as s:
        s.review.submit("zhichu", who=CLERK)
        with pytest.raises(ReviewError, match="本人提交的，不能自己审核通过"):
            s.review.approve("zhichu", who=CLERK)
        with pytest.raises(ReviewError, match="不能自己退回.*撤回提交"):
            s.review.send_back("zhichu", "我自己退回", who=CLERK)
        assert s.review.state("zhichu").state is TableState.SUBMITTED


def test_whoever_changed_the_figures_since_the_last_approval_cannot_approve(tmp_path):
    path = build_demo(tmp_path / "demo.gkb", who=CLERK)
    with closing(Session.open(path, who="王出纳")) as s:
        s.set_text(CELL, "682,000.40", who="王出纳")
        s.set_text(CELL, "682,056.40", who="王出纳")
        s.review.submit("zhichu", who=CLERK)
        with pytest.raises(ReviewError, match="王出纳 在上次审核后修改过.*不能审核通过自己改过的表"):
            s.review.approve("zhichu", who="王出纳")
        with pytest.raises(ReviewError, match="没有填写姓名"):
            s.review.approve("zhichu", who=" ")
        s.review.approve("zhichu", who=REVIEWER)
        assert s.review.state("zhichu").who == REVIEWER


def test_a_reviewer_cannot_submit_for_the_clerk(tmp_path):
    path = build_demo(tmp_path / "demo.gkb", who=CLERK)
    with closing(Session.open(path, who=REVIEWER, review=True)) as s, \
            pytest.raises(ReviewError, match="审阅模式下不能提交审核"):
        s.review.submit("zhichu", who=REVIEWER)
    with closing(Session.open(path, who=CLERK)) as s:
        s.review.submit("zhichu", who=CLERK)
        s.review.send_back("zhichu", "请附说明", who=REVIEWER)
        with pytest.raises(ReviewError, match="李审核 审核过.*不能替填报人提交审核"):  # even in edit mode
            s.review.submit("zhichu", who=REVIEWER)
        s.review.submit("zhichu", who=CLERK)
        assert s.review.state("zhichu").state is TableState.SUBMITTED


def test_figures_of_a_submitted_or_approved_table_are_locked_until_withdrawn_or_returned(tmp_path):
    path = build_demo(tmp_path / "demo.gkb", who=CLERK)
    with closing(Session.open(path, who=CLERK)) as s:
        s.review.submit("zhichu", who=CLERK)
        log = s.doc.change_log()
        for edit in (lambda: s.set_text(CELL, "1", who=CLERK),
                     lambda: s.add_row("zhichu", "2101599", "自拟科目", who=CLERK),
                     lambda: s.remove_row("zhichu", "2101501", who=CLERK)):
            with pytest.raises(EditError, match="待审核.*数字已锁定.*撤回提交"):
                edit()
        assert s.value(CELL) == 68205640 and s.doc.change_log() == log
        with pytest.raises(ReviewError, match="只有提交人本人可以撤回提交"):
            s.review.withdraw("zhichu", who=REVIEWER)
        s.review.withdraw("zhichu", who=CLERK)
        assert s.review.state("zhichu").state is TableState.DRAFT
        s.set_text(CELL, "682,000.40", who=CLERK)  # free again
        s.set_text(CELL, "682,056.40", who=CLERK)
        s.review.submit("zhichu", who=CLERK)
        s.review.approve("zhichu", who=REVIEWER)
        with pytest.raises(EditError, match="已审核.*数字已锁定.*退回"):
            s.set_text(CELL, "1", who=CLERK)
        s.review.send_back("zhichu", "行政运行请核对", who=REVIEWER)
        s.set_text(CELL, "682,000.40", who=CLERK)
        assert s.value(CELL) == 68200040


def test_gongkai_set_on_a_submitted_table_is_refused_and_the_file_is_untouched(tmp_path, capsys, monkeypatch):
    path = build_demo(tmp_path / "demo.gkb", who=CLERK)
    monkeypatch.setenv("GONGKAI_USER", CLERK)
    assert main(["review", "submit", str(path), "公开03表"]) == 0
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert main(["set", str(path), *CELL, "1"]) == 2
    assert "数字已锁定" in capsys.readouterr().err
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert main(["review", "approve", str(path), "zhichu"]) == 2
    assert "不能自己审核通过" in capsys.readouterr().err
    monkeypatch.setenv("GONGKAI_USER", REVIEWER)
    assert main(["review", "approve", str(path), "zhichu"]) == 0
    assert "已用 李审核 的密钥签章" in capsys.readouterr().out
    assert main(["review", "comment", str(path), "zhichu", "请附说明", "--row", CELL[1], "--col", CELL[2]]) == 0
    assert main(["review", "return", str(path), "zhichu", "--reason", "行政运行请核对"]) == 0
    assert main(["review", "return", str(path), "zhichu"]) == 2  # no reason: bad usage
    assert "用法不对" in capsys.readouterr().err
    monkeypatch.setenv("GONGKAI_USER", CLERK)
    assert main(["set", str(path), *CELL, "682,000.40"]) == 0


def test_a_submitted_jixiao_form_is_locked(tmp_path):
    path = build_demo(tmp_path / "demo.gkb", who=CLERK)
    with closing(Session.open(path, who=CLERK)) as s:
        fid = s.forms.add_form("a_zhuanyi_ziping", "甲项目自评表", who=CLERK)
        s.forms.set_field(fid, "f.total.qn", "1,928.75", who=CLERK)
        s.review.submit(f"jixiao:{fid}", who=CLERK)
        with pytest.raises(FormEditError, match="待审核.*数字已锁定"):
            s.forms.set_field(fid, "f.total.qn", "1,900.00", who=CLERK)
        with pytest.raises(FormEditError, match="数字已锁定"):
            s.forms.remove_form(fid, who=CLERK)


# -- the signature and its verification ------------------------------------------------------
def test_an_honest_approval_verifies_and_the_listing_says_so(signed, profiles, capsys):
    result, v = verdict(signed)
    assert result.chain.ok and v.signed and v.trusted and v.problems == [] and v.notices == []
    code, out = review_cli(signed, capsys)
    assert code == 0 and "封签完好，签章有效（李审核，密钥指纹" in out
    profiles(CLERK)  # the clerk's computer has never seen 李审核's key: trusted on first use, said so
    code, out = review_cli(signed, capsys)
    assert code == 0 and "本机第一次见到 李审核 的签章密钥" in out
    code, out = review_cli(signed, capsys)
    assert code == 0 and "第一次见到" not in out  # remembered


def test_an_approval_forged_with_sqlite3_is_reported_unsigned(tmp_path, profiles, capsys):
    path = build_demo(tmp_path / "demo.gkb", who=CLERK)
    with closing(Session.open(path, who=CLERK)) as s:
        s.review.submit("zhichu", who=CLERK)
        figures = sl.canonical(sl.figures(s.doc, "zhichu"))
    at = "2026-12-01T08:00:00Z"
    forged = forged_copy(path,
                         ("UPDATE review_state SET state = 'approved', who = ?, at = ? WHERE tbl = 'zhichu'", (REVIEWER, at)),
                         ("INSERT INTO review_seal(tbl, digest, figures, signer, at, log_id) VALUES (?, ?, ?, ?, ?, ?)",
                          ("zhichu", sl.digest(figures), figures, REVIEWER, at, 1)))
    result, v = verdict(forged)
    assert not v.trusted and any(p.startswith("未签章") for p in v.problems)
    code, out = review_cli(forged, capsys)
    assert code == 1 and "已审核（李审核" in out and "封签完好" not in out and "未签章" in out


def test_a_figure_changed_and_the_seal_rehashed_is_a_bad_signature(signed, capsys):
    with Document.open(signed, readonly=True) as doc:
        figures = sl.figures(doc, "zhichu")
    figures[f"{CELL[1]}|{CELL[2]}"] = "1"
    text = sl.canonical(figures)
    forged = forged_copy(signed, ("UPDATE cell SET num = 1 WHERE tbl = ? AND row = ? AND col = ?", CELL),
                         ("UPDATE review_seal SET figures = ?, digest = ? WHERE tbl = 'zhichu'", (text, sl.digest(text))))
    _, v = verdict(forged)
    assert any(p.startswith("签名无效") for p in v.problems)
    code, out = review_cli(forged, capsys)
    assert code == 1 and "签名无效" in out and "封签完好" not in out


def test_a_figure_changed_with_no_log_entry_is_named(signed, capsys):
    forged = forged_copy(signed, ("UPDATE cell SET num = 1 WHERE tbl = ? AND row = ? AND col = ?", CELL))
    _, v = verdict(forged)
    assert any("1 处数字被改动且没有修改记录" in p for p in v.problems)
    code, out = review_cli(forged, capsys)
    assert code == 1 and "封签已破" in out and "没有修改记录" in out


def test_a_change_log_row_reassigned_breaks_the_chain(signed, capsys):
    conn = sqlite3.connect(signed)
    (row_id,) = conn.execute("SELECT id FROM change_log WHERE tbl = ? AND row = ? AND col = ?", CELL).fetchone()
    conn.close()
    forged = forged_copy(signed, ("UPDATE change_log SET who = '王出纳' WHERE id = ?", (row_id,)))
    result, v = verdict(forged)
    assert not result.chain.ok and result.chain.broken_at == row_id
    assert any("审核通过前的修改记录被改动过" in p for p in v.problems)
    code, out = review_cli(forged, capsys)
    assert code == 1 and f"修改记录链断裂：第 {row_id} 条修改记录" in out


def test_a_reassigned_row_with_the_whole_chain_recomputed_still_fails_the_signed_head(signed):
    forged = forged_copy(signed, ("UPDATE change_log SET who = '王出纳' WHERE id = 2", ()))
    conn = sqlite3.connect(forged)  # a determined clerk recomputes every chain value after the change
    conn.execute("DELETE FROM change_chain")
    running = ""
    for rec in conn.execute(f"SELECT id, {', '.join(changelog.LOG_COLUMNS)} FROM change_log ORDER BY id").fetchall():
        running = changelog.link(running, rec[0], rec[1:])
        conn.execute("INSERT INTO change_chain(id, hash) VALUES (?, ?)", (rec[0], running))
    conn.commit()
    conn.close()
    result, v = verdict(forged)
    assert result.chain.ok  # consistent again …
    assert any("审核通过时的修改记录被改动或删除过" in p for p in v.problems)  # … but not what was signed


def test_deleted_log_rows_break_the_chain(signed):
    forged = forged_copy(signed, ("DELETE FROM change_log WHERE id = 3", ()))
    result, _ = verdict(forged)
    assert not result.chain.ok and "第 3 条修改记录被删除了" in result.chain.problem


def test_with_no_approved_table_the_chain_is_walked_when_first_asked_for_and_still_reports_a_deletion(
        tmp_path, monkeypatch, capsys):
    from desktop.core.document import log_rows

    forged = forged_copy(build_demo(tmp_path / "demo.gkb", who=CLERK), ("DELETE FROM change_log WHERE id = 3", ()))
    walks = []
    walk = log_rows.verify_chain
    monkeypatch.setattr(log_rows, "verify_chain", lambda doc: walks.append(1) or walk(doc))
    with closing(Session.open(forged, readonly=True)) as s:
        result = s.review.verify()
        assert result.tables == {} and walks == []  # opening a window verifies nothing it would not show
        assert not result.chain.ok and "第 3 条修改记录被删除了" in result.chain.problem
        assert any("修改记录链断裂" in p for p in result.problems) and walks == [1]
    code, out = review_cli(forged, capsys)  # the command asks, and says so
    assert code == 1 and "第 3 条修改记录被删除了" in out


def test_a_seal_resigned_with_a_key_made_by_the_clerk_is_a_changed_key_on_the_reviewers_computer(
        signed, profiles, capsys):
    conn = sqlite3.connect(signed)
    log_id, log_head = conn.execute("SELECT log_id, log_head FROM seal_signature").fetchone()
    conn.close()
    with Document.open(signed, readonly=True) as doc:
        seal = sl.read(doc, "zhichu")
        body = payload(doc, seal, log_id, log_head)
    profiles(CLERK)
    fake = ks.SigningKey(REVIEWER, Ed25519PrivateKey.generate())  # the clerk's own key in the reviewer's name
    forged = forged_copy(signed,
                         ("INSERT INTO signer_key VALUES (?, ?, ?, ?)", (REVIEWER, fake.public_hex,
                                                                        ks.fingerprint(fake.public_hex), "x")),
                         ("UPDATE seal_signature SET public_key = ?, signature = ?", (fake.public_hex, fake.sign(body))))
    profiles(REVIEWER)
    _, v = verdict(forged)
    assert any(p.startswith("警告：李审核 的签章密钥") and "与本机记录的不同" in p for p in v.problems)
    code, out = review_cli(forged, capsys)
    assert code == 1 and "可能有人冒用 李审核 的名义签章" in out


def test_a_signature_whose_key_the_file_does_not_carry_is_an_unknown_key(signed):
    forged = forged_copy(signed, ("DELETE FROM signer_key", ()))
    _, v = verdict(forged)
    assert any(p.startswith("未知密钥") for p in v.problems)


def test_a_state_naming_another_approver_than_the_signer_is_reported(signed):
    forged = forged_copy(signed, ("UPDATE review_state SET who = '王局长' WHERE tbl = 'zhichu'", ()))
    _, v = verdict(forged)
    assert any("与封签的签章人（李审核）不是同一人" in p for p in v.problems)


# -- the chain and older files -----------------------------------------------------------------
def test_every_writer_chains_its_rows(signed):
    with closing(Session.open(signed, who=CLERK)) as s:
        s.review.comment("shouru", "请核对", who=REVIEWER)
        fid = s.forms.add_form("a_zhuanyi_ziping", "甲项目自评表", who=CLERK)
        s.forms.set_field(fid, "f.total.qn", "1,928.75", who=CLERK)
        conn = raw_connection_for_tests(s.doc)
        unchained = conn.execute("SELECT COUNT(*) FROM change_log WHERE id NOT IN (SELECT id FROM change_chain)")
        assert unchained.fetchone()[0] == 0
        assert changelog.verify(conn).ok


def test_a_version_3_file_keeps_its_rows_as_pre_chain_and_its_old_seal_is_reported_unsigned(tmp_path, capsys):
    path = make_old_document(tmp_path / "v3.gkb", 3, {"set_id": "shanxi_2022_juesuan", "unit_name": "旧单位",
                                                      "year": "2022"}, {("zhichu", "total", "xm"): 123456})
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO change_log(at, who, action, tbl, row, col, new) VALUES ('t', '旧人', 'set', 'zhichu', "
                 "'total', 'xm', '1234.56')")
    figures = json.dumps({"total|xm": "123456"}, separators=(",", ":"))
    conn.execute("INSERT INTO review_state VALUES ('zhichu', 'approved', '老审核', 't', '')")
    conn.execute("INSERT INTO review_seal VALUES ('zhichu', ?, ?, '老审核', 't', 1)", (sl.digest(figures), figures))
    conn.commit()
    conn.close()
    with closing(Session.open(path, who=CLERK)) as s:
        result, v = s.review.verify(), s.review.verify().tables["zhichu"]
        assert result.chain.ok and result.chain.pre_chain == 1 and result.chain.head is None
        assert any(p.startswith("未签章") for p in v.problems)
        s.review.comment("zhichu", "升级后第一条", who=CLERK)
        result = s.review.verify()
        assert result.chain.ok and result.chain.pre_chain == 1 and result.chain.head[0] == 2
    # the first chained row covers the pre-chain rows: rewriting one of them now shows
    forged = forged_copy(path, ("UPDATE change_log SET who = '别人' WHERE id = 1", ()))
    result, _ = verdict(forged)
    assert not result.chain.ok


# -- diff -------------------------------------------------------------------------------------
def test_gongkai_diff_lists_review_changes_between_two_copies(tmp_path, capsys):
    path = build_demo(tmp_path / "demo.gkb", who=CLERK)
    with closing(Session.open(path, who=CLERK)) as s:
        s.review.submit("zhichu", who=CLERK)
        tid = s.review.comment("zhichu", "请附说明", who=REVIEWER, row=CELL[1], col=CELL[2])
    before = tmp_path / "before.gkb"
    shutil.copy(path, before)
    with closing(Session.open(path, who=REVIEWER, review=True)) as s:
        s.review.resolve(tid, who=CLERK)
        s.review.approve("zhichu", who=REVIEWER)
        s.review.comment("shouru", "表整体意见", who=REVIEWER)
    assert main(["diff", str(before), str(path)]) == 1
    out = capsys.readouterr().out
    assert "审核记录（状态、签章、批注）不同 4 处" in out
    assert "公开03表《支出决算表》 审核状态：待审核（张会计" in out and "→ 已审核（李审核" in out
    assert "公开03表《支出决算表》 审核签章：无 → 李审核" in out and "已签章" in out
    assert "批注：李审核：请附说明 → 李审核：请附说明，已由 张会计 解决" in out
    assert "公开02表《收入决算表》 批注：无 → 李审核：表整体意见" in out
    assert main(["diff", str(path), str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["review"] == []
