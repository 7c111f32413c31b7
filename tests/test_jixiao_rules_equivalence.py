"""The 绩效 checks give exactly the findings they gave before they became rules in YAML (issue 13, phase A):
same keys, rule ids, severities, messages, cells and figures, for seeds 001 and 004 and a generated corpus
of every shape (tests/jixiao_corpus.py; the snapshot was taken from the Python checks before the change)."""

from __future__ import annotations

import json

from jixiao_corpus import SNAPSHOT, all_scenarios


def test_every_scenario_gives_the_snapshotted_findings(tmp_path):
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    found = all_scenarios(tmp_path)
    assert set(found) <= set(expected) and {"generated_元_1", "generated_万元_2"} <= set(found)
    for name, rows in found.items():
        want = expected[name]
        assert len(rows) == len(want), name
        for got, wanted in zip(rows, want, strict=True):
            assert got == wanted, (name, got["key"])


def test_the_corpus_exercises_every_check():
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    rule_ids = {f["rule_id"] for rows in expected.values() for f in rows}
    assert len(rule_ids) == 17
