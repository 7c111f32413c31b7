"""The narrative data of a template set (resources/narrative/<set_id>.yaml): sections, ties and drafts.

A file may ``extends:`` another set's file; its ``sections`` then replace the base's sections with the same
``id`` and add the others (in order), and its other keys replace the base's. Cell references use the rule
expression syntax of the tables (:mod:`desktop.core.rules.expr`), parsed, never evaluated as Python.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from ..i18n import tr
from ..paths import resources_dir
from ..rules.expr import ExprError, parse


class NarrativeSpecError(ValueError):
    """A narrative data file that is malformed (a definition error)."""


class Tie(Struct, frozen=True):
    """Figures labelled with one of ``labels`` must equal ``value`` (and, for 预算 measures, ``budget``)."""

    labels: tuple[str, ...]
    value: tuple[str, ...] = ()
    budget: tuple[str, ...] = ()


class RowTie(Struct, frozen=True):
    """Figures labelled with a row's printed name (a 功能分类 类/款/项 or 经济分类 科目) tie to that row."""

    table: str
    value: str
    budget: str | None = None
    selector: str = "*"


class Absence(Struct, frozen=True):
    """A phrase saying there is nothing (本年度无此项支出) while ``value`` is not zero is a contradiction."""

    phrases: tuple[str, ...]
    value: str


class SectionSpec(Struct, frozen=True):
    id: str
    title: str
    match: tuple[str, ...]
    ties: tuple[Tie, ...] = ()
    rows: tuple[RowTie, ...] = ()
    absent: tuple[Absence, ...] = ()
    draft: tuple[Any, ...] = ()
    heading: str = ""  # the draft's heading lines, when not "<number>、<title>"


class PriorItem(Struct, frozen=True):
    """A 上年数: ``value`` read from last year's document (or typed); the prose calls it one of ``labels``;
    ``opening``, when given, is this year's cell that must equal it (年初结转和结余 = 上年年末)."""

    key: str
    label: str
    value: str
    labels: tuple[str, ...] = ()
    opening: str = ""


class NarrativeSpec(Struct, frozen=True):
    set_id: str
    kind: str
    sections: tuple[SectionSpec, ...]
    budget_is_value: bool = False
    grades: tuple[tuple[str, int], ...] = field(default_factory=tuple)
    prior: tuple[PriorItem, ...] = ()

    def prior_item(self, key: str) -> PriorItem | None:
        return next((p for p in self.prior if p.key == key), None)

    def sections_for(self, heading: str) -> list[SectionSpec]:
        """The section specs whose ``match`` words all occur in a part's heading (most specific last)."""
        found = [s for s in self.sections if any(all(w in heading for w in m.split("+")) for m in s.match)]
        return sorted(found, key=lambda s: max(len(m) for m in s.match))


def narrative_dir() -> Path:
    return resources_dir() / "narrative"


def _exprs(value: Any, where: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else list(value or [])
    for item in items:
        try:
            parse(str(item))
        except ExprError as exc:
            raise NarrativeSpecError(f"{where}：{exc}") from exc
    return tuple(str(i) for i in items)


def _section(raw: dict[str, Any], where: str) -> SectionSpec:
    sid = str(raw.get("id", ""))
    if not sid or "match" not in raw:
        raise NarrativeSpecError(tr("{where}：每一节须有 id 和 match", where=where))
    at = tr("{where} 节 {sid}", where=where, sid=sid)
    ties = tuple(
        Tie(tuple(t["labels"]), _exprs(t.get("value"), at), _exprs(t.get("budget"), at)) for t in raw.get("ties", [])
    )
    rows = tuple(
        RowTie(r["table"], r["value"], r.get("budget"), str(r.get("selector", "*"))) for r in raw.get("rows", [])
    )
    absent = tuple(Absence(tuple(a["phrases"]), _exprs(a["value"], at)[0]) for a in raw.get("absent", []))
    match = raw["match"]
    return SectionSpec(sid, str(raw.get("title", "")), tuple([match] if isinstance(match, str) else match),
                       ties, rows, absent, tuple(raw.get("draft", [])), str(raw.get("heading", "")))


def _raw(set_id: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    path = narrative_dir() / f"{set_id}.yaml"
    if not path.exists() or set_id in seen:
        raise NarrativeSpecError(tr("模板“{set_id}”没有情况说明的核对数据", set_id=set_id))
    import yaml  # only when the spec is compiled: a start served from the cache reads no YAML

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    base_id = data.get("extends")
    if not base_id:
        return data
    base = _raw(str(base_id), (*seen, set_id))
    merged = {**base, **{k: v for k, v in data.items() if k not in ("sections", "extends")}}
    sections = list(base.get("sections", []))
    ids = [s.get("id") for s in sections]
    for sec in data.get("sections", []):
        if sec.get("id") in ids:
            sections[ids.index(sec.get("id"))] = sec
        else:
            sections.append(sec)
    merged["sections"] = sections
    return merged


@lru_cache(maxsize=32)
def load_spec(set_id: str) -> NarrativeSpec:
    """The narrative data of a set; raises :class:`NarrativeSpecError` when it has none or it is malformed.

    Compiled once and kept in the per-user compiled cache (keyed by the narrative and scoring files and
    this module's source), like the template sets."""
    if not isinstance(set_id, str) or not (narrative_dir() / f"{set_id}.yaml").is_file():
        raise NarrativeSpecError(tr("模板“{set_id}”没有情况说明的核对数据", set_id=set_id))
    from .. import compiled_cache as cache

    fingerprint = cache.files_fingerprint(
        [Path(__file__)], [narrative_dir(), resources_dir() / "forms" / "jixiao" / "_shared"])
    name = f"narrative-{set_id}"
    spec = cache.read_compiled(name, fingerprint, NarrativeSpec)
    if spec is None or spec.set_id != set_id:
        spec = _compile(set_id)
        cache.write_compiled(name, fingerprint, spec)
    return spec


def _compile(set_id: str) -> NarrativeSpec:
    data = _raw(set_id)
    where = f"resources/narrative/{set_id}.yaml"
    sections = tuple(_section(s, where) for s in data.get("sections", []))
    grades = _grade_bands()
    prior = tuple(_prior(p, where) for p in data.get("prior", []))
    if len({p.key for p in prior}) != len(prior):
        raise NarrativeSpecError(tr("{where}：prior 中有重复的 key", where=where))
    return NarrativeSpec(set_id, str(data.get("kind", "决算")), sections, bool(data.get("budget_is_value")), grades,
                         prior)


def _prior(raw: dict[str, Any], where: str) -> PriorItem:
    key, label = str(raw.get("key", "")), str(raw.get("label", ""))
    if not key or not label or "value" not in raw:
        raise NarrativeSpecError(tr("{where}：prior 的每一项须有 key、label 和 value", where=where))
    at = tr("{where} 上年数 {key}", where=where, key=key)
    opening = _exprs(raw["opening"], at)[0] if raw.get("opening") else ""
    return PriorItem(key, label, _exprs(raw["value"], at)[0], tuple(raw.get("labels", [label])), opening)


def _grade_bands() -> tuple[tuple[str, int], ...]:
    """优/良/中/差 with their lower bounds, from the 绩效 scoring data (one source for both features)."""
    import yaml

    path = resources_dir() / "forms" / "jixiao" / "_shared" / "scoring.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return tuple((str(g["grade"]), int(g["min"])) for g in data.get("grades", []))
