"""Every mutation through the Session tells what it changed (desktop/core/change.py), once, to whoever shows
the document; applying those changes one after another must give exactly the findings a full re-read gives
— for typed figures, 科目 rows added and removed, 绩效 form edits, and 出错说明."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from desktop.core.change import Change, findings_diff
from desktop.core.rules.findings import Finding
from desktop.core.session import Session

WHO = "测试员"


class Follower:
    """What a window keeps: the findings by key, updated only from the changes it is told."""

    def __init__(self, session: Session) -> None:
        self.findings = {f.key: f for f in session.findings()}
        self.changes: list[Change] = []
        session.subscribe(self.follow)

    def follow(self, change: Change) -> None:
        self.changes.append(change)
        for key in change.removed:
            self.findings.pop(key, None)
        for finding in change.added:
            self.findings[finding.key] = finding


@pytest.fixture
def session(tmp_path: Path):
    """Seed 001 (柳林县医疗保障局 2022 决算, with its real errors) and its three 绩效 forms."""
    from conftest import SEEDS

    from desktop.core.formats.dump import load_dump
    from desktop.core.formats.published import convert_published
    from desktop.core.jixiao.seeds import convert_forms, load_forms

    data = json.loads(next(SEEDS.glob("001_*.json")).read_text(encoding="utf-8"))
    doc = load_dump(convert_published(data, None).dump, tmp_path / "001.gkb", who=WHO)
    load_forms(doc, convert_forms(data), who=WHO)
    doc.close()
    opened = Session.open(tmp_path / "001.gkb", who=WHO)
    yield opened
    opened.close()


def test_a_typed_figure_tells_its_cells_totals_and_findings(session: Session):
    follower = Follower(session)
    before = {f.key for f in session.findings()}
    target = next(c for c in sorted(session.engine.values) if session.cell_info(c).editable)
    old = session.value(target)
    change = session.set_values({target: (old or 0) + 12_345}, who=WHO)
    assert follower.changes == [change]
    assert change.cells[target] == (old or 0) + 12_345 and change.old[target] == old
    assert len(change.cells) > 1, "the totals that follow are part of the change"
    assert target[0] in change.tables
    after = {f.key for f in session.findings()}
    assert after != before, "an unbalanced figure must raise a finding"
    assert {f.key for f in change.added} >= after - before
    assert set(change.removed) >= before - after
    assert follower.findings == {f.key: f for f in session.findings()}


def test_following_many_edits_gives_what_a_full_reread_gives(session: Session):
    follower = Follower(session)
    rng = random.Random(7)
    editable = [c for c in session.engine.values if session.cell_info(c).editable]
    zhichu = next(t.key for t in session.tset.tables if t.floating_block is not None)
    for step in range(60):
        roll = rng.random()
        if roll < 0.7:
            cell = rng.choice(editable)
            session.set_values({cell: rng.choice([None, 0, rng.randint(1, 10**9)])}, who=WHO)
        elif roll < 0.85:
            codes = session.rows.floating_codes(zhichu)
            leaves = [c for c in codes if not any(o != c and o.startswith(c) for o in codes)]
            if len(leaves) > 3:
                session.remove_row(zhichu, rng.choice(leaves), who=WHO)
        else:
            forms = session.forms.forms()
            if forms:
                form = rng.choice(forms)
                score = session.forms.definition(form.id).column_by_role("score")
                if form.indicators and score is not None:
                    ind = rng.choice(form.indicators)
                    session.forms.set_indicator(form.id, ind.id, score.key, str(rng.randint(0, 30)), who=WHO)
        editable = [c for c in editable if session.rows.get(c[0], c[1]) is not None]
        assert follower.findings == {f.key: f for f in session.findings()}, f"diverged at step {step}"
    assert any(c.rows_removed for c in follower.changes) and any(c.forms for c in follower.changes)


def test_a_table_edit_tells_the_forms_findings_it_changed_too(session: Session):
    assert session.has_forms()
    follower = Follower(session)
    cross_before = set(session.forms.cross_findings())
    session.set_values({c: 1 for c in session.engine.values if session.cell_info(c).editable}, who=WHO)
    assert follower.findings == {f.key: f for f in session.findings()}
    cross_after = set(session.forms.cross_findings())
    assert cross_after != cross_before, "every figure set to 0.01 moves no check between forms and tables"
    assert cross_after - cross_before <= set(follower.changes[-1].added)


def test_an_explanation_is_told(session: Session):
    follower = Follower(session)
    warning = next((f for f in session.findings() if f.severity == "warning"), None)
    if warning is None:
        cell = next(c for c in session.engine.values if session.cell_info(c).editable)
        session.set_values({cell: 7}, who=WHO)
        warning = next((f for f in session.findings() if f.severity == "warning"), None)
    assert warning is not None
    session.explain(warning, "上年结转，已说明", who=WHO)
    assert follower.changes[-1].explanations == {warning.key}


def test_findings_diff_reports_changed_findings_as_gone_and_new():
    a = Finding("k1", "r", "error", "甲", "t", ())
    b = Finding("k1", "r", "error", "乙", "t", ())
    c = Finding("k2", "r", "warning", "丙", "t", ())
    added, removed = findings_diff({"k1": a, "k2": c}, {"k1": b})
    assert added == [b] and sorted(removed) == ["k1", "k2"]


def test_the_prose_findings_follow_table_and_text_edits(session: Session):
    """The 情况说明 is checked against the tables: a table edit moves prose findings, and so does a text edit."""
    from conftest import SEEDS

    session.narrative.import_text(next(SEEDS.glob("001_*.txt")).read_text(encoding="utf-8"), who=WHO)
    from desktop.core.narrative.book import NARRATIVE_TABLE

    follower = Follower(session)
    rng = random.Random(3)
    editable = [c for c in session.engine.values if session.cell_info(c).editable]
    for _ in range(15):
        session.set_values({rng.choice(editable): rng.randint(1, 10**8)}, who=WHO)
        assert follower.findings == {f.key: f for f in session.findings()}
    section = next(s for s in session.narrative.sections() if s.body.strip())
    session.narrative.set_body(section.id, section.body + "\n本年度收入合计增长了99.99%。", who=WHO)
    assert follower.changes[-1].narrative
    assert follower.findings == {f.key: f for f in session.findings()}
    moved = [f for c in follower.changes for f in c.added if f.table == NARRATIVE_TABLE]
    assert moved, "neither the table edits nor the text edit moved a prose finding"


def test_a_figure_the_prose_does_not_read_skips_the_prose_check(session: Session, monkeypatch):
    """Only figures the last 情况说明 check read can move its findings: others skip the re-check, and the
    findings still equal a full re-read; a figure it read re-checks it."""
    from conftest import SEEDS

    from desktop.core.narrative import check as narrative_check

    session.narrative.import_text(next(SEEDS.glob("001_*.txt")).read_text(encoding="utf-8"), who=WHO)
    follower = Follower(session)
    reads = session.narrative.reads
    assert reads, "the seed's 情况说明 quotes table figures"
    runs: list[int] = []
    real = narrative_check.check_sections
    monkeypatch.setattr(narrative_check, "check_sections", lambda *a, **k: runs.append(1) or real(*a, **k))
    editable = [c for c in session.engine.values if session.cell_info(c).editable]
    skipped = checked = 0
    for cell in random.Random(5).sample(editable, 40):
        runs.clear()
        change = session.set_values({cell: (session.engine.values.get(cell) or 0) + 424_200}, who=WHO)
        touched_prose = not reads.isdisjoint(change.cells)
        assert runs == ([1] if touched_prose else []), (cell, touched_prose)
        skipped, checked = skipped + (not touched_prose), checked + touched_prose
        assert follower.findings == {f.key: f for f in session.findings()}
        reads = session.narrative.reads
    assert skipped and checked, (skipped, checked)
