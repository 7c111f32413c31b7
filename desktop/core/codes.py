"""Classification code lists (支出功能分类, 部门经济分类 …) read from resources/codes/*.csv."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .i18n import tr
from .paths import codes_dir

if TYPE_CHECKING:
    import csv

_PUNCT = str.maketrans({"（": "(", "）": ")", "“": '"', "”": '"', "　": "", " ": ""})


class CodeEntry(NamedTuple):
    """One code of a list as of one year (a tuple: the cached lists unpickle at C speed)."""

    code: str
    name: str
    level: int
    parent: str | None
    year: int


def normalise_name(name: str) -> str:
    """Names compared without spaces and with half-width brackets."""
    return re.sub(r"\s+", "", name.translate(_PUNCT))


class CodeLists:
    """All code lists by name (``func_class`` …), each code with its names by year.

    A CSV without a ``code`` column whose first two columns are names is a *pair list*
    (e.g. dept_to_gov_econ_map_2025: 部门经济科目名称 → the 政府经济科目名称 it may be paid as).
    """

    def __init__(self, folder: Path | None = None) -> None:
        self._lists: dict[str, dict[str, list[CodeEntry]]] = {}
        self._pairs: dict[str, dict[str, set[str]]] = {}
        import csv  # only when the lists are read from their files: a start takes them from the compiled cache

        for path in sorted((folder or codes_dir()).glob("*.csv")):
            with path.open(encoding="utf-8", newline="") as fh:
                reader = csv.DictReader(fh)
                if not reader.fieldnames:
                    continue
                if "code" not in reader.fieldnames:
                    if len(reader.fieldnames) >= 2:
                        self._read_pairs(path.stem, reader, reader.fieldnames[0], reader.fieldnames[1])
                    continue
                entries: dict[str, list[CodeEntry]] = {}
                for rec in reader:
                    entry = CodeEntry(
                        rec["code"].strip(), rec["name"].strip(), int(rec.get("level") or 0),
                        (rec.get("parent_code") or "").strip() or None, int(rec.get("year") or 0),
                    )
                    entries.setdefault(entry.code, []).append(entry)
                self._lists[path.stem] = entries

    def _read_pairs(self, stem: str, reader: csv.DictReader, left: str, right: str) -> None:
        pairs: dict[str, set[str]] = {}
        for rec in reader:
            a, b = (rec.get(left) or "").strip(), (rec.get(right) or "").strip()
            if a and b:
                pairs.setdefault(normalise_name(a), set()).add(normalise_name(b))
        self._pairs[stem] = pairs

    def names(self) -> list[str]:
        return sorted(self._lists)

    def pair_names(self) -> list[str]:
        return sorted(self._pairs)

    def allowed_pairs(self, pair_list: str, name: str) -> set[str] | None:
        """The (normalised) second names listed for ``name``; ``None`` when the list does not know it."""
        return self._pairs.get(pair_list, {}).get(normalise_name(name))

    def find_by_name(self, list_name: str, name: str, year: int | None = None, level: int | None = None) -> list[CodeEntry]:
        """Entries whose name (as of ``year``) is ``name``, optionally of one level; used to code printed names."""
        wanted = normalise_name(name)
        out = []
        for code in self._lists.get(list_name, {}):
            entry = self.entry(list_name, code, year)
            if entry and normalise_name(entry.name) == wanted and (level is None or entry.level == level):
                out.append(entry)
        return out

    def entry(self, list_name: str, code: str, year: int | None = None) -> CodeEntry | None:
        """The entry for ``code``, preferring the given year, else the nearest earlier, else any."""
        found = self._lists.get(list_name, {}).get(code)
        if not found:
            return None
        if year is None:
            return found[-1]
        earlier = [e for e in found if e.year <= year]
        return max(earlier, key=lambda e: e.year) if earlier else min(found, key=lambda e: e.year)

    def name(self, list_name: str, code: str, year: int | None = None) -> str | None:
        entry = self.entry(list_name, code, year)
        return entry.name if entry else None

    def same_name(self, a: str, b: str) -> bool:
        return normalise_name(a) == normalise_name(b)

    def search(self, list_name: str, text: str, year: int | None = None, limit: int = 50) -> list[CodeEntry]:
        """Codes starting with ``text`` or names containing it, for completion while typing."""
        out = []
        needle = text.strip()
        for code in sorted(self._lists.get(list_name, {})):
            entry = self.entry(list_name, code, year)
            if entry and (code.startswith(needle) or (needle and needle in entry.name)):
                out.append(entry)
                if len(out) >= limit:
                    break
        return out


def check_code_shape(code: str, levels: list[int] | None = None) -> str | None:
    """A Chinese message if ``code`` is not a well-formed 3/5/7-digit code, else ``None``."""
    allowed = levels or [3, 5, 7]
    if not code.isdigit():
        return tr("科目编码“{code}”应全部是数字", code=code)
    if len(code) not in allowed:
        return tr("科目编码“{code}”应为 {map} 位数字", code=code, map='、'.join(map(str, allowed)))
    return None


@lru_cache(maxsize=1)
def default_code_lists() -> CodeLists:
    """The shipped code lists, read once per process, and kept between processes in the compiled cache
    (keyed by the lists' files and this module's source) like the template sets."""
    from . import compiled_cache as cache

    fingerprint = cache.files_fingerprint([Path(__file__)], [codes_dir()])
    lists = cache.read_compiled("codes", fingerprint, CodeLists)
    if lists is None:
        lists = CodeLists()
        cache.write_compiled("codes", fingerprint, lists)
    return lists
