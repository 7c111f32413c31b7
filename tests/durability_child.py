"""The process that tests/test_durability.py kills with SIGKILL: works as fast as it can, reporting progress.

    python tests/durability_child.py edit DOC SEED       # committed edits through Session
    python tests/durability_child.py save_as DOC FOLDER  # 另存为 copies FOLDER/copy-N.gkb
    python tests/durability_child.py export DOC XLSX     # Excel export over the same workbook

Prints ``ready`` once the document is open, then one line per finished operation (only after it
returned, i.e. after the commit or the rename), flushed at once, until killed.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from desktop.core.document import Document
from desktop.core.session import Session


def edit_plan(cells: list[tuple[str, str, str]], seed: int, n: int) -> list[tuple[tuple[str, str, str], int]]:
    """The deterministic sequence of edits for ``seed``: the parent recomputes it to know what to expect."""
    rng = random.Random(seed)
    return [(rng.choice(cells), rng.randint(0, 10**9)) for _ in range(n)]


def input_cells(session: Session) -> list[tuple[str, str, str]]:
    """Every editable cell of the demo's 公开01 and 公开03 (figures that feed totals and checks)."""
    cells = []
    for table in ("shouzhi_zongbiao", "zhichu"):
        for row in session.rows.rows(table):
            block = session.tset.table(table).block(row.block)
            for col in block.value_columns if block else []:
                cell = (table, row.key, col.key)
                if session.cell_info(cell).editable:
                    cells.append(cell)
    return cells


def run_edits(doc: Path, seed: int) -> None:
    session = Session.open(doc, who="kill-test")
    plan = edit_plan(input_cells(session), seed, 100_000)
    print("ready", flush=True)
    for i, (cell, value) in enumerate(plan):
        session.set_values({cell: value}, who="kill-test")
        print(i, flush=True)


def run_save_as(doc: Path, folder: Path) -> None:
    document = Document.open(doc, who="kill-test")
    print("ready", flush=True)
    for i in range(100_000):
        document.save_as(folder / f"copy-{i}.gkb")
        print(i, flush=True)


def run_export(doc: Path, target: Path) -> None:
    from desktop.core.formats.xlsx_export import export_document

    document = Document.open(doc, readonly=True)
    print("ready", flush=True)
    for i in range(100_000):
        export_document(document, target)
        print(i, flush=True)


if __name__ == "__main__":
    mode, path, arg = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    if mode == "edit":
        run_edits(path, int(arg))
    elif mode == "save_as":
        run_save_as(path, Path(arg))
    else:
        run_export(path, Path(arg))
