"""The rule-kind registry: a kind is a typed parameter model plus the code that expands one rule over a
concrete form into checks. Rules themselves are data (YAML): an id, a kind, a severity, a message template
with ``{placeholders}`` the kind fills, and the kind's parameters (columns named by role, rows by key).

The models are msgspec Structs: the same classes validate a definition file when it is compiled
(:func:`validated`, a cache miss) and are what a compiled definition holds, so a start served from the
compiled cache imports no validator (pydantic) and no YAML."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any, Literal, TypeVar

import msgspec
from msgspec import Meta, Struct

from ..findings import Finding
from ..instances import Cell
from .numbers import hundredths
from .sheet import Shape, Sheet

Severity = Literal["error", "warning", "off"]
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_AT = re.compile(r" - at `\$([^`]*)`$")
_STEP = re.compile(r"\.(\w+)|\[(\d+)\]")
_FIELD = re.compile(r"^Object (contains unknown|missing required) field `([^`]+)`")
M = TypeVar("M")


class Frozen(Struct, frozen=True, forbid_unknown_fields=True):
    """A definition's part as written: unknown keys are refused, nothing changes once loaded."""


class Params(Frozen, kw_only=True):
    """A kind's parameters; the hooks say what a shape must have for the rule to apply. (A subclass whose
    required fields follow optional ones says ``kw_only=True`` again: msgspec does not inherit it.)"""

    def roles(self) -> list[tuple[str, str, bool]]:
        """(block, role, required) of every column role the rule names."""
        return []

    def rows(self) -> list[str]:
        """Funding row keys the rule names."""
        return []

    def nodes(self) -> list[str]:
        """一级 node keys the rule names."""
        return []

    def shape_params(self) -> list[str]:
        """Shape scoring parameters (scoring.yaml) the rule reads."""
        return []

    def templates(self) -> dict[str, str]:
        """Extra message templates among the parameters (name → text)."""
        return {}


class RuleSpec(Frozen):
    """A rule as written in YAML. ``when``: ``scored`` applies it only on shapes with 分值/得分."""

    id: Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]*$")]
    kind: str
    severity: Severity
    message: Annotated[str, Meta(min_length=1)]
    when: Literal["always", "scored"] = "always"
    params: dict[str, Any] = {}
    note: str = ""


class RuleChange(Frozen):
    """A shape's change to a shared rule, by id: severity (off switches it off), message or parameters."""

    severity: Severity | None = None
    message: str | None = None
    params: dict[str, Any] = {}


class Invalid(ValueError):
    """A definition that does not fit its model: ``loc`` is the path inside the data (keys and list
    indexes), ``code`` the definition error code (GK101 unknown key, GK111 missing, GK110 otherwise)."""

    def __init__(self, message: str, loc: list[str | int], code: str) -> None:
        super().__init__(message)
        self.loc, self.code = loc, code


def validated(model: type[M], data: Any) -> M:  # noqa: ANN401 - data as read from YAML
    """``data`` as ``model`` (numbers given as text or integers taken as the model's type, as a clerk's YAML
    would write them); raises :class:`Invalid` naming where the first problem is."""
    try:
        return msgspec.convert(data, type=model, strict=False)
    except msgspec.ValidationError as exc:
        text = str(exc)
        at = _AT.search(text)
        loc: list[str | int] = []
        if at:
            loc = [name if name else int(index) for name, index in _STEP.findall(at.group(1))]
            text = text[:at.start()]
        named = _FIELD.match(text)
        code = "GK110"
        if named:
            loc.append(named.group(2))
            code = "GK101" if named.group(1) == "contains unknown" else "GK111"
        raise Invalid(text, loc, code) from exc


class Rule(Struct, frozen=True):
    """A rule ready to expand: its spec with the kind's parameters validated."""

    spec: RuleSpec
    namespace: str
    params: Params

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def rule_id(self) -> str:
        return f"{self.namespace}.{self.spec.id}"

    @property
    def severity(self) -> str:
        return self.spec.severity

    def finding(self, sheet: Sheet | None, where: str, values: Mapping[str, str], cells: Iterable[Cell], *,
                left: Decimal | None = None, right: Decimal | None = None, table: str | None = None,
                key_prefix: str | None = None) -> Finding:
        """A finding of this rule; the message is the template filled in, after the form's title."""
        text = fill(self.spec.message, values)
        home = table or (sheet.table if sheet else "")
        prefix = key_prefix if key_prefix is not None else (sheet.key_prefix if sheet else "")
        return Finding(
            key=".".join(part for part in (prefix, self.spec.id, where) if part), rule_id=self.rule_id, severity=self.spec.severity,
            message=f"《{sheet.title}》：{text}" if sheet else text, table=home, cells=tuple(cells),
            left=hundredths(left), right=hundredths(right),
        )


class Check(Struct, frozen=True):
    """One relationship of one rule over concrete cells."""

    key: str
    rule: Rule
    reads: tuple[Cell, ...]
    evaluate: Callable[[Any], Any]  # Sheet -> Finding | None (form kinds); Book -> list[Finding] (book kinds)

    @property
    def rule_id(self) -> str:
        return self.rule.rule_id

    @property
    def severity(self) -> str:
        return self.rule.severity


Expand = Callable[[Rule, Any], Iterator[Check]]


class Kind(Struct, frozen=True):
    """A rule kind: its name, parameter model, scope (``form``: one form; ``book``: every form of a
    document and its tables; ``table``: a 决算/预算 set's tables), placeholders and expansion."""

    name: str
    params: type
    scope: Literal["form", "book", "table"]
    placeholders: frozenset[str]
    expand: Expand
    doc: str


_KINDS: dict[str, Kind] = {}


def register(name: str, params: type[Params], *, scope: Literal["form", "book", "table"] = "form",
             placeholders: Iterable[str] = ()) -> Callable[[Expand], Expand]:
    """Decorator: register ``expand`` as the code of kind ``name``."""

    def wrap(expand: Expand) -> Expand:
        if name in _KINDS:
            raise ValueError(f"rule kind {name} registered twice")
        _KINDS[name] = Kind(name, params, scope, frozenset(placeholders), expand,
                            (expand.__doc__ or "").strip().splitlines()[0] if expand.__doc__ else "")
        return expand

    return wrap


def register_table_kind(name: str, model: type) -> Callable[[Expand], Expand]:
    """Decorator: list a table kind (its parameters are the set's rule model, its code the table engine's)."""

    def wrap(expand: Expand) -> Expand:
        _KINDS[name] = Kind(name, model, "table", frozenset(), expand, (expand.__doc__ or "").strip())
        return expand

    return wrap


def kind(name: str) -> Kind | None:
    return _KINDS.get(name)


def kinds() -> dict[str, Kind]:
    """Every registered kind by name."""
    return dict(_KINDS)


def placeholders(template: str) -> set[str]:
    return set(_PLACEHOLDER.findall(template))


@lru_cache(maxsize=1024)
def _pieces(template: str) -> tuple[tuple[str, str], ...]:
    """A template split once into (literal text, placeholder name) pairs."""
    out, last = [], 0
    for m in _PLACEHOLDER.finditer(template):
        out.append((template[last:m.start()], m.group(1)))
        last = m.end()
    out.append((template[last:], ""))
    return tuple(out)


def fill(template: str, values: Mapping[str, str]) -> str:
    """Replace ``{name}`` by its value (names were checked against the kind when the rule loaded)."""
    return "".join(text + (values.get(name, "{" + name + "}") if name else "") for text, name in _pieces(template))


def problems(spec: RuleSpec, params: Params, shape: Shape) -> tuple[list[str], list[str]]:
    """(errors, gaps) of a rule on a shape: errors are names outside the vocabulary (a misspelt role, an
    unknown row, node or shape parameter); gaps are required roles this shape has no column for."""
    errors: list[str] = []
    gaps: list[str] = []
    for block, role, required in params.roles():
        if role not in shape.roles.get(block, frozenset()):
            errors.append(f"参数中的栏目角色 {role} 不存在（{block} 可用：{'、'.join(sorted(shape.roles.get(block, ())))}）")
        elif required and shape.column(block, role) is None:
            gaps.append(f"表样 {shape.key} 的{'资金表' if block == 'funding' else '指标表'}没有角色为 {role} 的栏")
    rows = {r.key for r in shape.funding_rows}
    errors += [f"表样 {shape.key} 的资金表没有行 {key}" for key in params.rows() if key not in rows]
    nodes = {n.key for n in shape.nodes}
    errors += [f"表样 {shape.key} 没有一级指标 {key}" for key in params.nodes() if key not in nodes]
    errors += [f"没有评分参数 {name}" for name in params.shape_params() if name not in shape.params]
    return errors, gaps
