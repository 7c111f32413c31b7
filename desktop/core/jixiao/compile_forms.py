"""Compile the 绩效 form definitions under resources/forms/jixiao/*.yaml (a cache miss of :mod:`.loader`).

Each file is validated against :mod:`.models`; its indicator tree may be inline or a file under
``_shared/``; its ``scoring:`` overrides the shared ``_shared/scoring.yaml`` key by key; its rules are the
shared ``_shared/rules.yaml`` changed by its ``overrides`` plus its own ``rules`` (see ruleset.py and the
README beside the forms). Any problem raises :class:`~desktop.core.definitions.DefinitionError` naming the file and place.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..definitions.errors import DefinitionError
from ..i18n import tr
from .definition import FormDef
from .loader import forms_dir
from .models import FormFile, Level1Def, ScoringDef
from .ruleset import SharedRules, load_shared, resolve
from .sheet import shape_of
from .validate import read_definition, read_yaml

SCORING_FILE = "_shared/scoring.yaml"


def _inside(folder: Path, relative: str, file: Path) -> Path:
    path = Path(os.path.normpath(folder.absolute() / relative))
    if Path(os.path.normpath(folder.absolute())) not in path.parents:
        raise DefinitionError(str(file), relative, tr("引用的文件不在 resources/forms/jixiao 之下"), code="GK113")
    return path


def _tree(form: FormFile, path: Path) -> tuple[Level1Def, ...]:
    spec = form.indicators.tree
    if not isinstance(spec, str):
        tree, where = spec, path
    else:
        where = _inside(path.parent, spec, path)
        tree = read_definition(list[Level1Def], read_yaml(where), where)  # its problems named as a form file's
    keys = [c.key for n in tree for c in n.children] + [n.key for n in tree]
    if len(keys) != len(set(keys)):
        raise DefinitionError(str(where), "indicators.tree", tr("一级/二级指标键重复"), code="GK103")
    unknown = set(form.indicators.level2_labels) - {c.key for n in tree for c in n.children}
    if unknown:
        raise DefinitionError(str(path), "indicators.level2_labels", tr("没有这些二级指标：{unknown}", unknown='、'.join(sorted(unknown))), code="GK120")
    return tuple(tree)


def load_form(path: Path, base_scoring: dict[str, Any] | None = None, shared: SharedRules | None = None) -> FormDef:
    """Load one form file; raises :class:`DefinitionError` naming the file and place of a problem."""
    base = base_scoring if base_scoring is not None else (read_yaml(forms_dir() / SCORING_FILE) or {})
    shared = shared or load_shared(forms_dir())
    form = read_definition(FormFile, read_yaml(path), path)
    tree = _tree(form, path)
    scoring = read_definition(ScoringDef, {**base, **form.scoring}, path)
    shape = shape_of(form, tree, scoring)
    return FormDef(file=form, tree=tree, scoring=scoring, path=str(path), shape=shape,
                   rules=resolve(shared, form, path, shape), book_rules=shared.book_rules())


def load_forms(folder: Path) -> dict[str, FormDef]:
    """Every ``*.yaml`` form definition directly in ``folder`` by key (files starting with _ are shared parts)."""
    base = read_yaml(folder / SCORING_FILE) or {}
    shared = load_shared(folder)
    out: dict[str, FormDef] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        form = load_form(path, base, shared)
        if form.key in out:
            raise DefinitionError(str(path), "key", tr("表样键 {key} 与 {name} 重复", key=form.key, name=Path(out[form.key].path).name), code="GK103")
        out[form.key] = form
    return out
