"""Run one hostile input through the ``gongkai`` commands and check the promise made to users.

A :class:`Kind` builds its input in an empty folder and names the commands to run on it (argv templates
with ``{input}``, ``{out}`` for a path that must not exist afterwards, and ``{good}`` for a healthy
document beside it). For each run the harness checks: the exit code, a Chinese ``错误：`` message on
stderr, no traceback and no 内部错误 (the CLI's last-resort message, which means nobody handled the case),
the sha256 of every file in the folder unchanged unless the run is allowed to write, and nothing new in
the folder (no partial output, no lock left behind).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import signal
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

CHINESE = re.compile(r"[\u4e00-\u9fff]")
INTERNAL = "内部错误"  # the CLI's last resort: a hostile input must never reach it
TIMEOUT_S = 20

# Commands that read a document, with the exit code a hostile document must give (2: refused).
GKB_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("check", "{input}"),
    ("check", "{input}", "--json"),
    ("dump", "{input}", "-o", "{out}.json"),
    ("export", "{input}", "-o", "{out}.xlsx"),
    ("review", "{input}"),
    ("forms", "{input}"),
    ("forms", "{input}", "-o", "{out}.xlsx"),
    ("set", "{input}", "shouzhi_zongbiao", "in_ybgg", "amount", "1"),
    ("diff", "{good}", "{input}"),
    ("undo", "{input}"),
)
WORKBOOK_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("import", "{input}", "-o", "{out}.gkb"),
    ("forms", "{good}", "--import", "{input}"),
)
JSON_COMMANDS: tuple[tuple[str, ...], ...] = (("load", "{input}", "-o", "{out}.gkb"),)


@dataclass(frozen=True)
class Run:
    """One command on the input and what it must give."""

    argv: tuple[str, ...]
    exit_codes: frozenset[int] = frozenset({2})
    words: tuple[str, ...] = ()  # each must appear in stderr (or stdout for a successful run)
    may_write: bool = False  # the run may change files (e.g. set on a good document beside a bad lock)


@dataclass(frozen=True)
class Kind:
    """One way an input can be hostile."""

    name: str
    category: str  # gkb | lock | special | workbook | json
    build: Callable[[Path], Path]  # makes the input in the (empty) folder and returns its path
    runs: tuple[Run, ...] = ()
    words: tuple[str, ...] = ()  # each must appear in every refusal message
    gui: bool = True  # also opened through the window (gkb/lock/special) or its 导入 Excel (workbook)
    notes: str = field(default="", compare=False)


def default_runs(category: str) -> tuple[Run, ...]:
    table = {"gkb": GKB_COMMANDS, "special": GKB_COMMANDS, "workbook": WORKBOOK_COMMANDS,
             "json": JSON_COMMANDS}
    return tuple(Run(argv) for argv in table.get(category, ()))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry under ``folder``: regular files by digest, anything else by its type (never read)."""
    out: dict[str, str] = {}
    for p in sorted(folder.rglob("*")):
        mode = p.lstat().st_mode
        if stat.S_ISREG(mode):
            out[str(p.relative_to(folder))] = sha256(p)
        elif stat.S_ISLNK(mode):
            out[str(p.relative_to(folder))] = "link:" + os.readlink(p)
        else:
            out[str(p.relative_to(folder))] = stat.filemode(mode)[0]
    return out


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Turn a hang (a FIFO opened for reading, a lock never released) into a test failure."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"hung for {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Outcome:
    code: int
    out: str
    err: str


def run_cli(argv: Sequence[str]) -> Outcome:
    """``gongkai ARGV`` in this process, its output captured."""
    from desktop.cli import main

    out, err = io.StringIO(), io.StringIO()
    with deadline(TIMEOUT_S), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return Outcome(code, out.getvalue(), err.getvalue())


def good_document(folder: Path) -> Path:
    """A healthy document (outside the kind's folder), for diff and forms --import."""
    from desktop.core.document import Document

    path = folder / "好文档.gkb"
    if not path.exists():
        meta = {"set_id": "shanxi_2022_juesuan", "unit_name": "测试单位", "year": "2022", "money_unit": "元"}
        with Document.create(path, meta, who="测试") as doc:
            doc.write({("shouzhi_zongbiao", "in_ybgg", "amount"): 123456}, who="测试")
    return path


def check_kind(kind: Kind, folder: Path, elsewhere: Path) -> list[str]:
    """Run every command of ``kind``; return the broken promises (empty when all held)."""
    problems: list[str] = []
    good = good_document(elsewhere)
    for index, run in enumerate(kind.runs or default_runs(kind.category)):
        case = folder / f"run{index}"
        case.mkdir()
        source = kind.build(case)
        before, good_before = snapshot(case), sha256(good)
        argv = [a.format(input=source, out=case / "输出", good=good) for a in run.argv]
        label = f"{kind.name}: gongkai {' '.join(run.argv)}"
        try:
            outcome = run_cli(argv)
        except BaseException as exc:  # noqa: BLE001 - a traceback is exactly the failure reported
            problems.append(f"{label}: raised {type(exc).__name__}: {exc}")
            continue
        text = outcome.err + outcome.out
        if outcome.code not in run.exit_codes:
            problems.append(f"{label}: exit {outcome.code}, expected {sorted(run.exit_codes)}; {text.strip()[:300]}")
        if "Traceback" in text or INTERNAL in text:
            problems.append(f"{label}: unhandled: {text.strip()[:300]}")
        if outcome.code == 2:
            if not (outcome.err.startswith("错误：") and CHINESE.search(outcome.err[3:])):
                problems.append(f"{label}: no Chinese message: {outcome.err[:200]!r}")
            missing = [w for w in (*kind.words, *run.words) if w not in outcome.err]
            if missing:
                problems.append(f"{label}: message lacks {missing}: {outcome.err.strip()[:300]}")
        if not run.may_write and snapshot(case) != before:
            problems.append(f"{label}: the folder changed: {sorted(set(snapshot(case).items()) ^ set(before.items()))}")
        if sha256(good) != good_before:
            problems.append(f"{label}: the healthy document changed")
    return problems
