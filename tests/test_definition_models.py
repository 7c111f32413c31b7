"""The plain definition objects the program holds (models.py) and the schema YAML is validated against
(schema.py) describe the same fields with the same defaults, and a compiled set is made of plain objects
only: a cached start must not need pydantic."""

from __future__ import annotations

import pickle
import subprocess
import sys

import msgspec
import pytest
from pydantic import BaseModel

from desktop.core.definitions import all_sets, models, schema

SCHEMA_CLASSES = sorted(
    name for name, cls in vars(schema).items()
    if isinstance(cls, type) and issubclass(cls, BaseModel) and cls.__module__ == schema.__name__
    and not name.startswith("_") and name != "RuleFile"
)


def _plain_default(f: msgspec.structs.FieldInfo) -> object:
    if f.default is not msgspec.NODEFAULT:
        return f.default
    if f.default_factory is not msgspec.NODEFAULT:
        return f.default_factory()
    return "<required>"


@pytest.mark.parametrize("name", SCHEMA_CLASSES)
def test_each_schema_class_has_a_plain_namesake_with_the_same_fields_and_defaults(name):
    validated, plain = getattr(schema, name), getattr(models, name)
    expected = {key: ("<required>" if info.is_required() else info.get_default(call_default_factory=True))
                for key, info in validated.model_fields.items()}
    assert {f.name: _plain_default(f) for f in msgspec.structs.fields(plain)} == expected


def test_a_compiled_set_holds_plain_objects_only():
    def walk(value: object) -> None:
        assert not isinstance(value, BaseModel), type(value)
        if isinstance(value, msgspec.Struct):
            for f in msgspec.structs.fields(value):
                walk(getattr(value, f.name))
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    for tset in all_sets().values():
        walk(tset.info)
        walk(tset.tables)
        walk(tset.rules)
        assert pickle.loads(pickle.dumps(tset)).tables == tset.tables
        assert pickle.loads(pickle.dumps(tset)) == tset


def test_a_cached_start_imports_neither_pydantic_nor_yaml(tmp_path):
    code = ("import sys; from desktop.core.definitions import get_set; from desktop.core.demo import build_demo; "
            "from desktop.core.session import Session; import pathlib; "
            "[get_set(s) for s in ('shanxi_2022_juesuan',)]; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'yaml')))")
    env = {"XDG_CACHE_HOME": str(tmp_path), "PATH": ""}
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert "pydantic" in first.stdout  # the first start compiles the set and fills the cache
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert second.stdout.strip() == "[]"
