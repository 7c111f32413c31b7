"""One store: the document package is the only place that talks SQL and writes the change log.

The rooms (forms, review, text parts, 汇总) reach the file only through the typed store functions of
desktop/core/document; the raw connection is the package's own (tests use the named escape hatch).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.document import Document, changelog
from desktop.core.document.testing import raw_connection_for_tests
from desktop.core.narrative.store import read_sections, replace_part, set_body, write_prior

META = {"set_id": "shanxi_2022_juesuan", "unit_name": "测试单位", "year": "2024", "money_unit": "元"}
WHO = "测试员"


def test_the_document_offers_rooms_no_connection(tmp_path: Path) -> None:
    with Document.create(tmp_path / "d.gkb", META) as doc:
        assert not hasattr(doc, "connection")
        with doc.transaction() as tx:
            assert not hasattr(tx, "execute") and not hasattr(tx, "cursor")
            tx.log("2026-01-01T00:00:00Z", WHO, "note", tbl="x")
        assert doc.change_log(1)[0]["action"] == "note"


def test_text_parts_and_prior_figures_chain_their_change_log_rows(tmp_path: Path) -> None:
    """The text parts wrote change_log rows by hand (no chain value): the chain broke at the next edit."""
    with Document.create(tmp_path / "d.gkb", META) as doc:
        replace_part(doc, "shuoming", [("一、收入", "收入 100 元。"), ("二、支出", "支出 90 元。")], who=WHO)
        section = read_sections(doc, "shuoming")[0]
        assert set_body(doc, section.id, "收入 101 元。", who=WHO)
        write_prior(doc, {"shouru": 10000, "zhichu": None}, {"shouru": "手填"}, who=WHO)
        doc.write({("shouzhi_zongbiao", "in_ybgg", "amount"): 100}, who=WHO)
        conn = raw_connection_for_tests(doc)
        unchained = conn.execute("SELECT COUNT(*) FROM change_log WHERE id NOT IN (SELECT id FROM change_chain)")
        assert unchained.fetchone()[0] == 0
        check = changelog.verify(conn)
        assert check.ok and check.rows == 5 and check.pre_chain == 0
        actions = [e["action"] for e in reversed(doc.change_log())]
        assert actions == ["create", "narrative_import", "narrative_edit", "prior_set", "set"]


def test_a_refused_text_writes_no_log_row(tmp_path: Path) -> None:
    from desktop.core.narrative.store import NarrativeStoreError

    with Document.create(tmp_path / "d.gkb", META) as doc:
        before = doc.change_log()
        with pytest.raises(NarrativeStoreError):
            replace_part(doc, "shuoming", [("一、", "x\x00")], who=WHO)
        assert doc.change_log() == before
