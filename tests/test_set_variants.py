"""Sets built on other sets (``extends:`` and patches) compile to exactly the sets they replaced.

The snapshots under tests/data/compiled_sets/ were taken from the sets as full copies, before any set
was rewritten as a patch of another; every shipped set must still compile to the same tables, rows,
columns and rules, in the same order.
"""

from __future__ import annotations

import json

import pytest
from set_snapshot import SNAPSHOTS, comparable, digest, snapshot

from desktop.core.definitions.loader import load_set, set_folders

DIGESTS = json.loads((SNAPSHOTS / "digests.json").read_text(encoding="utf-8"))


def test_every_shipped_set_has_a_snapshot():
    assert sorted(f.name for f in set_folders()) == sorted(DIGESTS)


@pytest.mark.parametrize("set_id", sorted(DIGESTS))
def test_compiled_set_is_identical_to_its_snapshot(set_id):
    folder = next(f for f in set_folders() if f.name == set_id)
    compiled = snapshot(load_set(folder))
    stored = json.loads((SNAPSHOTS / f"{set_id}.json").read_text(encoding="utf-8"))
    assert digest(stored) == DIGESTS[set_id], "the committed snapshot itself was edited"
    expected = comparable(stored)
    assert compiled["info"] == expected["info"]
    for got, want in zip(compiled["tables"], expected["tables"], strict=True):
        assert got == want, want["key"]
    assert [r["id"] for r in compiled["rules"]] == [r["id"] for r in expected["rules"]]
    assert compiled == expected
