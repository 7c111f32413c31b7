"""The 绩效 rules: the shared rules of ``_shared/rules.yaml`` and, per form definition, the rules that apply
to its shape after the form file's ``overrides`` (by rule id: severity, message, parameters) and its own
``rules``. Every problem raises :class:`~desktop.core.definitions.DefinitionError` naming file and place:
an unknown kind, parameters the kind does not take, a placeholder it cannot fill, a duplicate rule id, an
override of an unknown id, a role, row or 一级 the shape does not have."""

from __future__ import annotations

from pathlib import Path

from msgspec import Struct
from msgspec.structs import replace

from ..definitions.errors import DefinitionError
from ..i18n import tr
from ..rules.kinds import Params, Rule, RuleSpec, kind, kinds, placeholders, problems
from ..rules.kinds.registry import Frozen, Invalid, validated
from ..rules.kinds.sheet import Shape
from .models import FormFile, Key
from .validate import read_definition, read_yaml

RULES_FILE = "_shared/rules.yaml"


class RulesFile(Frozen):
    """_shared/rules.yaml."""

    namespace: Key
    rules: list[RuleSpec]


class SharedRules(Struct, frozen=True):
    path: str
    namespace: str
    specs: tuple[RuleSpec, ...]

    def book_rules(self) -> tuple[Rule, ...]:
        """The rules across forms and tables, as written (their per-shape severity lives with each shape)."""
        return tuple(Rule(s, self.namespace, _params(s, self.path, s.id)) for s in self.specs
                     if s.severity != "off" and _kind_of(s, self.path, s.id).scope == "book")


def _where(i: int, spec: RuleSpec) -> str:
    return tr("rules.{i}（规则 {id}）", i=i, id=spec.id)


def _kind_of(spec: RuleSpec, path: str, where: str):  # noqa: ANN202 - Kind
    found = kind(spec.kind)
    if found is None or found.scope == "table":
        usable = "、".join(sorted(k for k, v in kinds().items() if v.scope != "table"))
        raise DefinitionError(path, where, tr("未知的规则种类 {kind}（可用：{usable}）", kind=spec.kind, usable=usable), code="GK110")
    return found


def _params(spec: RuleSpec, path: str, where: str) -> Params:
    """The kind's parameters, validated; the message's placeholders checked against what the kind fills."""
    found = _kind_of(spec, path, where)
    try:
        params = validated(found.params, spec.params)
    except Invalid as exc:
        loc = ".".join(str(p) for p in exc.loc)
        raise DefinitionError(path, f"{where}.params{'.' + loc if loc else ''}", str(exc), code="GK110") from exc
    for name, template in {"message": spec.message, **params.templates()}.items():  # type: ignore[attr-defined]
        unknown = placeholders(template) - found.placeholders
        if unknown:
            raise DefinitionError(path, f"{where}.{name}", tr("{kind} 规则不能填写占位符 "
                                  "{unknown}"
                                  "（可用：{available}）", kind=spec.kind, unknown='、'.join('{' + u + '}' for u in sorted(unknown)), available='、'.join('{' + p + '}' for p in sorted(found.placeholders))), code="GK110")
    return params  # type: ignore[return-value]


def load_shared(folder: Path) -> SharedRules:
    path = folder / RULES_FILE
    data = read_definition(RulesFile, read_yaml(path) or {}, path)
    seen: dict[str, int] = {}
    for i, spec in enumerate(data.rules):
        if spec.id in seen:
            raise DefinitionError(str(path), _where(i, spec), tr("规则编号 {id} 与第 {first} 条规则重复", id=spec.id, first=seen[spec.id] + 1),
                                  code="GK112")
        seen[spec.id] = i
        _params(spec, str(path), _where(i, spec))
    return SharedRules(str(path), data.namespace, tuple(data.rules))


def resolve(shared: SharedRules, form: FormFile, path: Path, shape: Shape) -> tuple[Rule, ...]:
    """The rules that apply to one shape, in order: shared ones (changed by ``overrides``), then its own."""
    ids = {s.id for s in shared.specs}
    for rule_id in form.overrides:
        if rule_id not in ids:
            raise DefinitionError(str(path), f"overrides.{rule_id}", tr("没有编号为 {rule_id} 的共用规则"
                                  "（{name} 中有：{ids}）", rule_id=rule_id, name=Path(shared.path).name, ids='、'.join(sorted(ids))), code="GK109")
    # (spec, file, place, strict): a rule the form file wrote or re-parametrised must fit this shape
    todo: list[tuple[RuleSpec, str, str, bool]] = []
    for i, spec in enumerate(shared.specs):
        change = form.overrides.get(spec.id)
        if change is None:
            todo.append((spec, shared.path, tr("{where}，表样 {key}", where=_where(i, spec), key=shape.key), False))
            continue
        spec = replace(spec, severity=change.severity or spec.severity, message=change.message or spec.message,
                       params={**spec.params, **change.params})
        todo.append((spec, str(path), f"overrides.{spec.id}", bool(change.params)))
    for i, spec in enumerate(form.rules):
        if spec.id in ids:
            raise DefinitionError(str(path), _where(i, spec), tr("规则编号 {id} 与共用规则重复，改用 overrides 修改它", id=spec.id),
                                  code="GK112")
        ids.add(spec.id)
        todo.append((spec, str(path), _where(i, spec), True))
    out = []
    for spec, file, where, strict in todo:
        if spec.severity == "off":
            continue
        params = _params(spec, file, where)
        if spec.when == "scored" and not shape.scored:
            continue
        errors, gaps = problems(spec, params, shape)
        if errors or (gaps and strict):
            raise DefinitionError(file, where, (errors or gaps)[0], code="GK120")
        if not gaps:
            out.append(Rule(spec, shared.namespace, params))
    return tuple(out)
