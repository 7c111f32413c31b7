"""Benchmark: ``PYTHONPATH=tests python -m tools.bench`` from the project root (``… tools.bench huizong``: only
the 汇总/batch entries). Prints one table of timings; not part of the test run.

Documents measured: the demo (seed 001, 柳林县医疗保障局 2022) and a synthetic large unit with many
功能分类 项 rows in every coded table. For each: cold start (compile rules + full check), full check,
and a single-cell edit → findings (engine only, and through the session with the durable SQLite commit),
each repeated, reported as min / median / p95 / max in milliseconds. For the largest document also the
Excel export (document → .xlsx file) and import (.xlsx → new document, set recognised automatically).
At scale (:func:`tree_dump`, 类/款/项 trees in every coded table): adding, removing and undoing a 科目 row
at 5,000 rows per table against a full rebuild; ``gongkai set`` in a fresh process on a document with
about 10,000 floating rows against a fresh Python doing one durable SQLite UPDATE on a file of the same
size; ``compare_documents`` on two such documents. Then peak memory of fresh processes and, when PySide6 can
start offscreen, the window's figures (:mod:`tools.bench_gui`). Synthetic documents: :mod:`tools.bench_dumps`.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from desktop.core.document import Document
from desktop.core.formats.dump import load_dump
from desktop.core.paths import resources_dir
from desktop.core.rules.engine import Engine
from desktop.core.rules.rowindex import RowIndex
from desktop.core.session import Session

from . import child_env
from .bench_dumps import SET_ID, add_shape_a_forms, findings_dump, large_dump, tree_dump, unit_files


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return (f"{ordered[0] * 1e3:8.3f} {statistics.median(ordered) * 1e3:8.3f} {p95 * 1e3:8.3f} "
            f"{ordered[-1] * 1e3:8.3f}")


def _time(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _filled(dump: dict, path: Path) -> Session:
    """A session on ``dump`` with every derived total filled in, as a clerk's document would have."""
    session = Session(load_dump(dump, path, who="bench"))
    session.doc.write(session.engine.derive_all(), who="bench", action="derive")
    return session


def _editable(session: Session, cell: tuple[str, str, str]) -> bool:
    try:
        return session.cell_info(cell).editable
    except ValueError:
        return False


def bench_document(label: str, dump: dict, folder: Path, edits: int, derive: bool = False) -> list[str]:
    path = folder / f"{label}.gkb"
    doc = load_dump(dump, path, who="bench")
    session = Session(doc)
    if derive:  # a synthetic unit is made consistent, like a document a clerk has filled in
        session.doc.write(session.engine.derive_all(), who="bench", action="derive")
        session.engine.check_all()
    tset, engine = session.tset, session.engine
    rows, values = session.rows, dict(engine.values)
    inputs = [c for c in values if not engine.is_derived(c)]
    for inst in engine.instances.values():
        inputs.extend(c for _, c in inst.right if not engine.is_derived(c) and c not in values)
    inputs = [c for c in sorted(set(inputs)) if _editable(session, c)]
    rng = random.Random(1)
    lines = [f"{label}: {len(engine.instances)} rule instances, {len(values)} filled cells, "
             f"{len(engine.formulas)} derived cells, {len(engine.findings)} findings"]
    cold = _time(lambda: Engine(tset, rows, values, rounding=False).check_all(), 20)  # rules compile on first need
    full = _time(engine.check_all, 50)

    def one_edit() -> None:
        cell = rng.choice(inputs)
        engine.apply({cell: rng.randint(0, 10**9)}, derive=True)

    edit = _time(one_edit, edits)
    cell_choices = inputs

    def durable_edit() -> None:
        cell = rng.choice(cell_choices)
        session.set_values({cell: rng.randint(0, 10**9)}, who="bench")

    durable = _time(durable_edit, max(50, edits // 10))
    lines += [
        f"  {'cold start: compile rules + full check':48} {_ms(cold)}",
        f"  {'full check (every rule instance)':48} {_ms(full)}",
        f"  {'single edit -> derived totals + findings':48} {_ms(edit)}",
        f"  {'single edit incl. durable SQLite commit':48} {_ms(durable)}",
    ]
    session.close()
    return lines


def bench_structure(folder: Path, rows_per_table: int = 5000, repeat: int = 30) -> list[str]:
    """Add a 项 row, remove a 项 row, undo the removal; against the former full rebuild (new row index and
    engine: every rule compiled again, everything re-checked and re-derived)."""
    session = _filled(tree_dump(rows_per_table), folder / "structure.gkb")
    session.engine.check_all()  # the GUI shows the findings panel from the start
    table = "zhichu"
    present = session.rows.floating_codes(table)
    add_times, remove_times, undo_times = [], [], []
    for n in range(repeat):
        code, victim = f"20101{50 + n}", present[-1 - n]
        start = time.perf_counter()
        session.add_row(table, code, who="bench")
        add_times.append(time.perf_counter() - start)
        names = dict(session.doc.floating_rows()[table])
        before = dict(session.engine.values)
        start = time.perf_counter()
        removed = session.remove_row(table, victim, who="bench")
        remove_times.append(time.perf_counter() - start)
        after = session.engine.values  # what the GUI's undo keeps: the rows' figures and the totals they moved
        kept = {c: v for c, v in before.items() if c[0] == table and c[1] in removed or after.get(c) != v}
        start = time.perf_counter()
        session.restore_rows(table, [(c, names[c]) for c in removed], kept, who="bench")
        undo_times.append(time.perf_counter() - start)

    def full_rebuild() -> None:
        rows = RowIndex(session.tset, session.doc.floating_rows())
        engine = Engine(session.tset, rows, session.engine.values, rounding=False)
        engine.derive_all()
        engine.check_all()

    rebuild = _time(full_rebuild, 3)
    lines = [f"structural edits: {len(session.rows.rows(table))} rows in {table} (and in each coded table), "
             f"{len(session.engine.instances)} rule instances",
             f"  {'add a 项 row (durable commit included)':48} {_ms(add_times)}",
             f"  {'remove a 项 row (durable commit included)':48} {_ms(remove_times)}",
             f"  {'undo the removal (rows and their figures back)':48} {_ms(undo_times)}",
             f"  {'full rebuild, as before (index + engine + check)':48} {_ms(rebuild)}"]
    worst = statistics.median(add_times + remove_times + undo_times)
    lines.append(f"  {'speed-up (median full rebuild / median edit)':48} {statistics.median(rebuild) / worst:8.1f}")
    session.close()
    return lines


_SQLITE_UPDATE = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA synchronous=FULL")
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE cell SET num = num + 1 WHERE tbl = ? AND row = ? AND col = ?", sys.argv[2:5])
conn.execute("COMMIT")
"""


def bench_cli_set(folder: Path, rows_per_table: int = 2000, repeat: int = 7) -> list[str]:
    """``gongkai set`` on a document with about 10,000 floating rows, each run a fresh process, against a
    fresh Python process doing one durable SQLite UPDATE (synchronous=FULL) on a copy of the same file."""
    import shutil
    import subprocess

    path = folder / "cli-set.gkb"
    session = _filled(tree_dump(rows_per_table), path)
    floating = sum(len(session.rows.floating_codes(t.key)) for t in session.tset.tables)
    session.close()
    plain = folder / "cli-set-plain.gkb"
    shutil.copy(path, plain)
    cell = ("zhichu", "2010101", "jb")

    def run(args: list[str]) -> None:
        subprocess.run([sys.executable, *args], check=True, capture_output=True, env=child_env())

    def cli_set() -> None:
        run(["-m", "desktop.cli", "set", str(path), *cell, str(random.randint(1, 10**6))])

    cli_set()  # warm the template set cache, as on a machine where the program has run before
    tool = _time(cli_set, repeat)
    sqlite = _time(lambda: run(["-c", _SQLITE_UPDATE, str(plain), *cell]), repeat)
    imports = _time(lambda: run(["-c", "import desktop.cli"]), repeat)
    return [f"gongkai set: fresh process, {floating} floating rows, file {path.stat().st_size // 1024} KB",
            f"  {'python -m desktop.cli set FILE …':48} {_ms(tool)}",
            f"  {'python + sqlite3 durable UPDATE, same size':48} {_ms(sqlite)}",
            f"  {'python -c import desktop.cli (the floor)':48} {_ms(imports)}",
            f"  {'ratio (median set / median sqlite)':48} {statistics.median(tool) / statistics.median(sqlite):8.1f}"]


def bench_diff(folder: Path, rows_per_table: int = 2000, repeat: int = 5) -> list[str]:
    """``gongkai diff`` of two documents with about 10,000 floating rows (a row added, 50 figures changed)."""
    from desktop.core.diff import compare_documents

    dump = tree_dump(rows_per_table)
    _filled(dump, folder / "diff-a.gkb").close()
    other = _filled(dump, folder / "diff-b.gkb")
    other.add_row("zhichu", "2010199", who="bench")
    rng = random.Random(5)
    inputs = [(t, c, "jb") for t in ("zhichu",) for c in other.rows.floating_codes(t) if len(c) == 7]
    other.set_values({c: rng.randint(1, 10**8) for c in rng.sample(inputs, 50)}, who="bench")
    other.close()
    with Document.open(folder / "diff-a.gkb", readonly=True) as a, Document.open(folder / "diff-b.gkb",
                                                                                  readonly=True) as b:
        result = compare_documents(a, b)
        diff = _time(lambda: compare_documents(a, b), repeat)
        engines = _time(lambda: (Session(a).engine.check_all(), Session(b).engine.check_all()), 3)
    return [f"diff of two documents: {len(result.cells)} cells and {len(result.rows)} rows differ",
            f"  {'compare_documents (no engine built)':48} {_ms(diff)}",
            f"  {'former cost: two sessions with engines checked':48} {_ms(engines)}"]


def bench_forms(folder: Path, forms: int = 20, per_level2: int = 3, edits: int = 200) -> list[str]:
    """绩效 forms: ``forms`` shape-A forms with ``per_level2`` 三级 rows under each of the 9 二级."""
    from desktop.core.jixiao.book import FormBook

    doc = Document.create(folder / "forms.gkb", {"set_id": SET_ID, "unit_name": "基准", "year": "2022"})
    add_shape_a_forms(doc, forms, per_level2, who="bench")
    rng = random.Random(3)
    book = FormBook(doc)
    first = book.forms()[0]

    def check_one() -> None:
        book._checked.pop(first.id, None)  # noqa: SLF001 - force a full re-check of one form
        book.form_findings(first.id)

    def check_all() -> None:
        book.reload()
        book.findings()

    def durable_edit() -> None:
        form = rng.choice(book.forms())
        ind = rng.choice(form.indicators)
        book.set_indicator(form.id, ind.id, "score", str(rng.randint(0, 3)), who="bench")
        book.findings()

    lines = [f"绩效 forms: {forms} forms × {len(first.indicators)} 三级 rows, {len(book.findings())} findings",
             f"  {'re-check one form':48} {_ms(_time(check_one, edits))}",
             f"  {'read + check every form (open a document)':48} {_ms(_time(check_all, 20))}",
             f"  {'type a score: durable commit + findings':48} {_ms(_time(durable_edit, max(20, edits // 4)))}"]
    doc.close()
    return lines


def bench_xlsx(label: str, dump: dict, folder: Path, repeat: int = 5) -> list[str]:
    """Export the document to .xlsx and import it back into a new document, ``repeat`` times each."""
    from desktop.core.formats.xlsx_export import export_document  # openpyxl: kept out of the memory figures
    from desktop.core.formats.xlsx_import import import_workbook

    source = folder / f"{label}-xlsx.gkb"
    session = Session(load_dump(dump, source, who="bench"))
    session.doc.write(session.engine.derive_all(), who="bench", action="derive")  # totals filled in, as typed
    session.close()
    workbook = folder / f"{label}.xlsx"
    with Document.open(source, readonly=True) as doc:
        export = _time(lambda: export_document(doc, workbook), repeat)
    counter = iter(range(repeat))

    def one_import() -> None:
        doc, _ = import_workbook(workbook, folder / f"{label}-imported-{next(counter)}.gkb", who="bench")
        doc.close()

    imported = _time(one_import, repeat)
    return [f"{label}: Excel workbook {workbook.stat().st_size // 1024} KB",
            f"  {'export to .xlsx (all tables)':48} {_ms(export)}",
            f"  {'import from .xlsx (set detection + new file)':48} {_ms(imported)}"]



_HUIZONG_RUN = """
import resource, sys, time
from pathlib import Path
folder, what = Path(sys.argv[1]), sys.argv[2]
start = time.perf_counter()
if what == "huizong":
    from desktop.core.huizong.build import build_huizong
    out = folder.parent / (folder.name + "-huizong.gkb")
    out.unlink(missing_ok=True)
    build_huizong(out, sorted(folder.glob("unit*.gkb")), name="基准部门")
else:
    from desktop.core.huizong.batch import run_batch
    rows = run_batch(folder)
    assert len(rows) == len(list(folder.glob("unit*.gkb")))
seconds = time.perf_counter() - start
with open("/proc/self/status", encoding="ascii") as fh:
    parent = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(seconds, parent, children)
"""


def bench_huizong(folder: Path, counts: tuple[int, ...] = (100, 1000), repeat: int = 3) -> list[str]:
    """汇总 and batch check of ``counts`` unit files, each in a fresh process: seconds and peak memory."""
    import subprocess

    lines = [f"  {'汇总 / batch check, fresh process (s; peak MiB)':48} {'min':>8} {'median':>8} {'max':>8}"
             f" {'parent':>8} {'worker':>8}"]
    for count in counts:
        units = folder / f"units{count}"
        units.mkdir(exist_ok=True)
        unit_files(units, count)
        for what in ("huizong", "batch"):
            runs = []
            for _ in range(repeat):
                out = subprocess.run([sys.executable, "-c", _HUIZONG_RUN, str(units), what], capture_output=True,
                                     text=True, check=True, env=child_env()).stdout.split()
                runs.append((float(out[0]), int(out[1]) / 1024, int(out[2]) / 1024))
            secs = sorted(r[0] for r in runs)
            label = f"{'汇总' if what == 'huizong' else 'check --batch'} of {count} demo variants"
            lines.append(f"  {label:48} {secs[0]:8.2f} {statistics.median(secs):8.2f} {secs[-1]:8.2f}"
                         f" {max(r[1] for r in runs):8.1f} {max(r[2] for r in runs):8.1f}")
    return lines


SECTIONS = ("huizong", "documents", "forms", "structure", "set", "diff", "xlsx", "memory", "gui")


def main() -> int:
    """Every figure, or only the sections named (``python -m tools.bench set gui``; see SECTIONS)."""
    edits = int(os.environ.get("GONGKAI_BENCH_EDITS", "1000"))
    wanted = set(sys.argv[1:]) or set(SECTIONS)
    if wanted - set(SECTIONS):
        print(f"unknown section(s) {sorted(wanted - set(SECTIONS))}; choose from {', '.join(SECTIONS)}")
        return 2
    print(f"machine: {platform.machine()} {platform.processor() or ''} cores={os.cpu_count()} "
          f"python={sys.version.split()[0]} {platform.platform()}")
    print(f"  {'(milliseconds)':48} {'min':>8} {'median':>8} {'p95':>8} {'max':>8}")
    demo = json.loads((resources_dir() / "demo" / "liulin_2022.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        runs = {
            "huizong": lambda: bench_huizong(folder),
            "documents": lambda: [*bench_document("demo (seed 001)", demo, folder, edits),
                                  *bench_document("large synthetic unit", large_dump(), folder, edits, derive=True)],
            "forms": lambda: bench_forms(folder),
            "structure": lambda: bench_structure(folder),
            "set": lambda: bench_cli_set(folder),
            "diff": lambda: bench_diff(folder),
            "xlsx": lambda: bench_xlsx("large synthetic unit", large_dump(), folder),
        }
        for name in SECTIONS:
            if name in wanted and name in runs:
                for line in runs[name]():
                    print(line, flush=True)
    if "memory" in wanted:
        _memory_figures()
    if "gui" in wanted:
        _gui_figures()
    return 0


_PEAK_RSS = """
import json, resource, sys, tempfile

def peak_kib():
    # VmHWM is this process's own high-water mark; ru_maxrss on Linux keeps the parent's across fork+exec
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

from pathlib import Path
from desktop.core.formats.dump import load_dump
from desktop.core.paths import resources_dir
from desktop.core.session import Session
which = sys.argv[1]
if which == "imports":
    print(peak_kib())
    raise SystemExit
if which == "demo":
    dump = json.loads((resources_dir() / "demo" / "liulin_2022.json").read_text(encoding="utf-8"))
else:
    from tools.bench_dumps import large_dump
    dump = large_dump()
path = Path(tempfile.mkdtemp()) / "m.gkb"
load_dump(dump, path, who="bench").close()
session = Session.open(path)
session.engine.check_all()
print(peak_kib())
"""


def _memory_figures() -> None:
    """Peak resident memory of a fresh process that opens a document in a Session and checks it."""
    import subprocess

    try:
        import resource  # noqa: F401 - POSIX only
    except ImportError:
        print("memory figures skipped: no resource module on this platform")
        return
    print(f"  {'peak RSS (MiB), fresh process, Session open + check':48} {'min':>8} {'median':>8} {'max':>8}")
    for which, label in (("imports", "core imported, no document"), ("demo", "demo document"),
                         ("large", "large synthetic unit")):
        runs = [int(subprocess.run([sys.executable, "-c", _PEAK_RSS, which], capture_output=True, text=True,
                                   check=True, env=child_env()).stdout.split()[-1]) / 1024 for _ in range(5)]
        print(f"  {label:48} {min(runs):8.1f} {statistics.median(runs):8.1f} {max(runs):8.1f}")


def _gui_figures() -> None:
    """Start-up ratio and edit → findings panel, when PySide6 and its libraries are available."""
    try:
        from .bench_gui import edit_to_panel_samples, startup_samples
    except ImportError as exc:
        print(f"GUI figures skipped: {exc}")
        return
    starts = startup_samples(int(os.environ.get("GONGKAI_BENCH_STARTS", "5")))
    bare = statistics.median(starts["bare"])
    print("GUI (QT_QPA_PLATFORM=offscreen):")
    for series, label in (("bare", "start-up: bare PySide6 window + empty QTableView"),
                          ("demo", "start-up: application, demo open and checked"),
                          ("forms", "start-up: the demo with 6 绩效 forms"),
                          ("forms received", "  that file received (a new copy each run)"),
                          ("whole", "start-up: seed 001 tables + 3 forms + 情况说明"),
                          ("whole received", "  that file received (a new copy each run)")):
        ratio = "" if series == "bare" else f"  = {statistics.median(starts[series]) / bare:.2f}x bare"
        print(f"  {label:48} {_ms(starts[series])}{ratio}")
    commit, panel = edit_to_panel_samples(int(os.environ.get("GONGKAI_BENCH_GUI_EDITS", "200")))
    print(f"  {'typed edit -> durably committed (SQLite fsync)':48} {_ms(commit)}")
    print(f"  {'committed -> grid + table list + panel repainted':48} {_ms(panel)}")
    from .bench_gui import many_findings_samples, open_table_samples

    rows, opened = open_table_samples(tree_dump(5000))
    print(f"  {f'open a {rows}-row table (first showing, painted)':48} {_ms(opened)}")

    count, incremental, reread = many_findings_samples(findings_dump(), edits=100)
    print(f"edit -> panel with {count} findings (the change applied vs. every finding re-read, as before):")
    print(f"  {'change applied: rows in/out, cells repainted':48} {_ms(incremental)}")
    print(f"  {'former: re-read, re-sort, reset the list':48} {_ms(reread)}")
    print(f"  {'speed-up (median former / median applied)':48} "
          f"{statistics.median(reread) / statistics.median(incremental):8.1f}")


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    # PySide6 6.12 can crash while the interpreter tears down a QApplication created in-process
    # ("bool_dealloc" during finalisation); every figure is printed by now, so leave at once.
    os._exit(code)
