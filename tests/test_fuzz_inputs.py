"""Fuzzing the importers with malformed input: only clear Chinese errors, no crash, no hang, no partial file.

Bounded in the normal run; ``GONGKAI_FUZZ_EXAMPLES=2000`` (say) runs longer. Inputs are real files mutated
(the demo dump, a seed's published figures, an exported workbook) and arbitrary JSON.
"""

from __future__ import annotations

import copy
import io
import json
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.document import DocumentError
from desktop.core.formats.dump import DumpError, load_dump, parse_dump
from desktop.core.formats.published import convert_published
from desktop.core.paths import resources_dir

EXAMPLES = int(os.environ.get("GONGKAI_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 60,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
CHINESE = re.compile(r"[\u4e00-\u9fff]")
DEMO = json.loads((resources_dir() / "demo" / "liulin_2022.json").read_text(encoding="utf-8"))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.floats(allow_nan=False)
    | st.text(max_size=12) | st.sampled_from(["1,234.56", "（1.00）", "-", "——", "1e400", "１２", "NaN", ""]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def paths_of(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place inside a JSON value where a mutation can go."""
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out += paths_of(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += paths_of(v, (*prefix, i))
    return out


def mutate(data: Any, where: tuple, value: Any) -> Any:
    if not where:
        return value
    data = copy.copy(data)
    data[where[0]] = mutate(data[where[0]], where[1:], value)
    return data


@st.composite
def mutated(draw: st.DrawFn, base: Any) -> Any:
    """``base`` with one to three places replaced by arbitrary JSON (or deleted)."""
    data = base
    for _ in range(draw(st.integers(1, 3))):
        places = paths_of(data)
        where = draw(st.sampled_from(places))
        if where and draw(st.booleans()) and isinstance(container := _at(data, where[:-1]), dict):
            data = mutate(data, where[:-1], {k: v for k, v in container.items() if k != where[-1]})
        else:
            data = mutate(data, where, draw(json_values))
    return data


def _at(data: Any, where: tuple) -> Any:
    for k in where:
        data = data[k]
    return data


def assert_clear(exc: BaseException) -> None:
    assert CHINESE.search(str(exc.args[0] if isinstance(exc, KeyError) and exc.args else exc)), repr(exc)


@FUZZ
@given(data=mutated(DEMO) | json_values)
def test_malformed_dump_gives_a_clear_error_and_no_file(tmp_path: Path, data: Any) -> None:
    target = tmp_path / "新.gkb"
    target.unlink(missing_ok=True)
    try:
        parse_dump(data)
    except DumpError as exc:
        assert_clear(exc)
        with pytest.raises(DumpError):
            load_dump(data, target, who="测试")
        assert not target.exists()
        return
    try:  # the values were valid; loading may still refuse e.g. explanations, but never half-way
        load_dump(data, target, who="测试").close()
    except (DumpError, DocumentError) as exc:
        assert_clear(exc)
        assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


_SEED_FILES = sorted(SEEDS.glob("001_*.json"))
SEED = json.loads(_SEED_FILES[0].read_text(encoding="utf-8")) if _SEED_FILES else {}


@pytest.mark.skipif(not SEED, reason="../shared/seeds is not beside the project")
@FUZZ
@given(data=mutated(SEED) if SEED else st.nothing())
def test_malformed_published_figures_give_a_clear_error(tmp_path: Path, data: Any) -> None:
    target = tmp_path / "新.gkb"
    target.unlink(missing_ok=True)
    try:
        conversion = convert_published(data)
    except (DumpError, KeyError) as exc:
        assert_clear(exc)
        return
    try:
        load_dump(conversion.dump, target, who="测试").close()
    except (DumpError, DocumentError) as exc:
        assert_clear(exc)
        assert not target.exists()


# -- workbooks (when this version has the Excel importer) ------------------------------------------
@pytest.fixture(scope="module")
def workbook_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    export = pytest.importorskip("desktop.core.formats.xlsx_export")
    from desktop.core.demo import build_demo
    from desktop.core.document import Document

    folder = tmp_path_factory.mktemp("wb")
    with Document.open(build_demo(folder / "示例.gkb"), readonly=True) as doc:
        export.export_document(doc, folder / "示例.xlsx", ["shouzhi_zongbiao", "zhichu"])
    return (folder / "示例.xlsx").read_bytes()


def _rezip(data: bytes, member_edits: dict[str, bytes]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, member_edits.get(info.filename, src.read(info.filename)))
    return out.getvalue()


@FUZZ
@given(how=st.sampled_from(["flip", "cut", "member"]), where=st.floats(0, 1), noise=st.binary(min_size=1, max_size=64))
def test_malformed_workbook_gives_a_clear_error(tmp_path: Path, workbook_bytes: bytes, how: str, where: float,
                                                 noise: bytes) -> None:
    importer = pytest.importorskip("desktop.core.formats.xlsx_import")
    data = bytearray(workbook_bytes)
    at = int(where * (len(data) - 1))
    if how == "flip":
        data[at : at + len(noise)] = noise
    elif how == "cut":
        data = data[:at]
    else:  # a well-formed zip whose sheet XML is damaged
        names = zipfile.ZipFile(io.BytesIO(workbook_bytes)).namelist()
        member = sorted(n for n in names if n.endswith(".xml"))[int(where * 0.999 * len([n for n in names if n.endswith(".xml")]))]
        xml = zipfile.ZipFile(io.BytesIO(workbook_bytes)).read(member)
        cut = int(where * len(xml))
        data = bytearray(_rezip(workbook_bytes, {member: xml[:cut] + noise + xml[cut:]}))
    path = tmp_path / "坏.xlsx"
    path.write_bytes(bytes(data))
    target = tmp_path / "新.gkb"
    target.unlink(missing_ok=True)
    try:
        doc, _conversion = importer.import_workbook(path, target, who="测试")
    except (ValueError, KeyError, DocumentError) as exc:  # WorkbookError / DumpError are ValueErrors
        assert_clear(exc)
        assert not target.exists()
    else:
        doc.close()
    assert path.read_bytes() == bytes(data)
