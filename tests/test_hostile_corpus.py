"""Every hostile input of the corpus (tests/hostile/kinds_*.py) through every command that reads it.

See tests/hostile/harness.py for the promise checked on each run. The window's open path runs the same
kinds in tests/test_hostile_gui.py.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import hostile
import pytest
from hostile.harness import Kind, check_kind


def all_kinds() -> list[Kind]:
    kinds: list[Kind] = []
    for info in pkgutil.iter_modules(hostile.__path__):
        if info.name.startswith("kinds_"):
            kinds.extend(importlib.import_module(f"hostile.{info.name}").KINDS)
    return kinds


KINDS = all_kinds()


def test_corpus_is_large_and_names_are_unique() -> None:
    names = [k.name for k in KINDS]
    assert len(names) == len(set(names)), [n for n in names if names.count(n) > 1]
    categories = {k.category for k in KINDS}
    assert len(KINDS) >= 80 and {"gkb", "lock", "special", "workbook", "json"} <= categories, (len(KINDS), categories)


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_hostile_input_is_refused_cleanly(kind: Kind, tmp_path: Path) -> None:
    folder, elsewhere = tmp_path / "input", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    problems = check_kind(kind, folder, elsewhere)
    assert not problems, "\n".join(problems)
