"""Fuzzing both workbook import paths with mutated real workbooks: only Chinese refusals or a clean import.

A tables workbook (what `gongkai export` writes) goes through `gongkai import`; a 绩效 forms workbook (what
`gongkai forms -o` writes) through `gongkai forms DOC --import`. Each is mutated N times (default 300 per
path; ``GONGKAI_FUZZ_N=3000`` for a longer run), deterministically from a fixed seed: byte flips in the zip,
truncation, a member cut short, bytes spliced into a member's XML, an XML edit inside a member (an attribute
or tag renamed, a number replaced, an element dropped or duplicated). The promise checked on every one: exit
0 or 2, never a traceback or 内部错误, a refusal in Chinese, the input's bytes untouched, nothing left behind
in its folder, and the document a refused forms import was aimed at unchanged.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import re
import shutil
import time
import zipfile
from pathlib import Path

import pytest
from hostile.harness import CHINESE, INTERNAL, run_cli, snapshot
from hostile.workbooks import document_with_forms, forms_workbook, tables_workbook

N = int(os.environ.get("GONGKAI_FUZZ_N", "300"))
SEED = 20261205
XML_EDITS = (
    (r'r="([A-Z]+)(\d+)"', lambda m, rnd: f'r="{m.group(1)}{rnd.choice([0, 1, 99999999, 1048577])}"'),
    (r"<v>[^<]*</v>", lambda m, rnd: rnd.choice(["<v>1e999</v>", "<v>NaN</v>", "<v>-</v>", "<v></v>", "<v>9" * 2 + "</v>"])),
    (r' s="\d+"', lambda m, rnd: f' s="{rnd.choice([-1, 9999, 0])}"'),
    (r' t="\w+"', lambda m, rnd: rnd.choice([' t="s"', ' t="e"', ' t="b"', ' t="d"', ' t="str"', ' t="zz"', ""])),
    (r"<f>[^<]*</f>|<v>", lambda m, rnd: rnd.choice(["<f>SUM(A1:XFD1048576)</f><v>", "<f>A1+A1</f><v>",
                                                      "<f>B2+</f><v>", "<v>"])),
    (r"<row [^>]*>", lambda m, rnd: m.group(0) * rnd.choice([1, 2])),
    (r'ref="[^"]*"', lambda m, rnd: rnd.choice(['ref="A1:XFD1048576"', 'ref="Z"', 'ref=""', 'ref="B2:A1"'])),
    (r"<mergeCell [^>]*/>", lambda m, rnd: ""),
    (r"numFmtId=\"\d+\"", lambda m, rnd: f'numFmtId="{rnd.choice([999, -3, 14, 22])}"'),
)


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


def mutate(data: bytes, rnd: random.Random) -> bytes:
    """One deterministic mutation of a workbook's bytes."""
    kind = rnd.randrange(5)
    if kind == 0:  # bytes flipped anywhere in the zip
        out = bytearray(data)
        for _ in range(rnd.randint(1, 8)):
            out[rnd.randrange(len(out))] = rnd.randrange(256)
        return bytes(out)
    if kind == 1:  # the file cut short
        return data[: rnd.randrange(len(data))]
    members = _members(data)
    name = rnd.choice([n for n in members if n.endswith((".xml", ".rels"))])
    body = members[name]
    if kind == 2:  # a member cut short
        members[name] = body[: rnd.randrange(len(body))]
    elif kind == 3:  # bytes spliced into a member
        at = rnd.randrange(len(body))
        members[name] = body[:at] + rnd.choice([b"<", b"&", b"\xff\xfe", b"</c>", b'"', b"&#0;", b"]]>"]) + body[at:]
    else:  # an XML edit
        text = body.decode("utf-8", "replace")
        pattern, change = rnd.choice(XML_EDITS)
        hits = list(re.finditer(pattern, text))
        if hits:
            m = rnd.choice(hits)
            text = text[: m.start()] + change(m, rnd) + text[m.end():]
        members[name] = text.encode()
    return _zip(members)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fuzz(tmp_path: Path, source: bytes, argv: list[str], rnd: random.Random, target: Path | None) -> tuple[int, int]:
    """Run N mutations; returns (refused, read)."""
    folder = tmp_path / "in"
    refused = read = 0
    failures: list[str] = []
    for n in range(N):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        data = mutate(source, rnd)
        path = folder / "坏.xlsx"
        path.write_bytes(data)
        before = snapshot(folder)
        doc_before = _digest(target) if target is not None else None
        out = folder / "新.gkb"
        outcome = run_cli([a.format(input=path, out=out) for a in argv])
        text = outcome.err + outcome.out
        label = f"mutation {n}"
        if "Traceback" in text or INTERNAL in text or outcome.code not in (0, 2):
            failures.append(f"{label}: exit {outcome.code}: {text.strip()[:300]}")
        if path.read_bytes() != data:
            failures.append(f"{label}: the input changed")
        if outcome.code == 2:
            refused += 1
            if not (outcome.err.startswith("错误：") and CHINESE.search(outcome.err[3:])):
                failures.append(f"{label}: no Chinese message: {outcome.err[:200]!r}")
            if snapshot(folder) != before:
                failures.append(f"{label}: something was left behind: {sorted(set(snapshot(folder)) - set(before))}")
            if target is not None and _digest(target) != doc_before:
                failures.append(f"{label}: the document changed although the workbook was refused")
        else:
            read += 1
            out.unlink(missing_ok=True)
            if snapshot(folder) != before:
                failures.append(f"{label}: unexpected files: {sorted(set(snapshot(folder)) ^ set(before))}")
    assert not failures, f"{len(failures)} of {N}:\n" + "\n".join(failures[:20])
    return refused, read


def test_fuzz_tables_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    start = time.perf_counter()
    refused, read = _fuzz(tmp_path, tables_workbook(), ["import", "{input}", "-o", "{out}"], random.Random(SEED), None)
    with capsys.disabled():
        print(f"\n[fuzz] import: {N} mutations, {refused} refused, {read} read, 0 tracebacks, "
              f"{time.perf_counter() - start:.1f} s")
    assert refused and read  # the mutations reach both outcomes


def test_fuzz_forms_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    start = time.perf_counter()
    doc = document_with_forms(tmp_path / "目标.gkb")
    refused, read = _fuzz(tmp_path, forms_workbook(), ["forms", str(doc), "--import", "{input}"],
                          random.Random(SEED + 1), doc)
    with capsys.disabled():
        print(f"\n[fuzz] forms --import: {N} mutations, {refused} refused, {read} read, 0 tracebacks, "
              f"{time.perf_counter() - start:.1f} s")
    assert refused and read
