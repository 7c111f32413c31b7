"""The document's figures, read from the file row by row as the engine first needs them.

A one-cell edit from the command line (``gongkai set``) touches a few hundred cells of a document that may
hold fifty thousand: the totals above the cell, their parts, the checks that read them. Reading every figure
at open cost more than the rest of the edit together. :class:`LazyValues` is a ``dict`` of ``Cell → int``
that asks its ``row_loader`` for a row's figures the first time any cell of that row is read or written, and
its ``all_loader`` for everything the first time anyone looks at the whole (iteration, length, a copy,
comparison). Whatever the order of reads and writes, it answers exactly as the full dict would (a property
test holds it to that).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from .instances import Cell

RowKey = tuple[str, str]  # (table, row)
RowLoader = Callable[[str, str], Mapping[str, int]]  # (table, row) → {column: value}
AllLoader = Callable[[], Iterable[tuple[Cell, int]]]


class _Figures(dict):
    """The common layout of :class:`LazyValues` and :class:`LoadedValues` (so one can become the other)."""

    __slots__ = ("_row_loader", "_all_loader", "_rows", "_whole")

    def __reduce__(self):  # noqa: ANN204 - a pickled copy is a plain dict of every figure
        return (dict, (dict(self.items()),))


class LoadedValues(_Figures):
    """What a :class:`LazyValues` becomes once it holds every figure: a dict with dict's own (C) methods, so
    a full check reads figures at dict speed."""

    __slots__ = ()
    fully_loaded = True

    def load_all(self) -> None:
        """Nothing left to read."""

    def load_rows(self, rows: Iterable[RowKey]) -> None:
        """Nothing left to read."""


class LazyValues(_Figures):
    """``Cell → int``, filled from the file per row on first touch, or all at once when needed whole (it
    then turns into a :class:`LoadedValues`, the same object)."""

    __slots__ = ()

    def __init__(self, row_loader: RowLoader, all_loader: AllLoader) -> None:
        super().__init__()
        self._row_loader, self._all_loader = row_loader, all_loader
        self._rows: set[RowKey] = set()  # rows read from the file (from then on held here, not there)
        self._whole = False

    # -- filling --------------------------------------------------------------------------------
    def _row(self, cell: Cell) -> None:
        if self._whole:
            return
        key = (cell[0], cell[1])
        if key in self._rows:
            return
        self._rows.add(key)
        for col, value in self._row_loader(*key).items():
            dict.__setitem__(self, (key[0], key[1], col), value)

    def load_rows(self, rows: Iterable[RowKey]) -> None:
        """Read these rows now (before something else changes them in the file behind this mapping)."""
        for table, row in rows:
            self._row((table, row, ""))

    def load_all(self) -> None:
        """Read every figure not read yet; the rows read before keep what was written here since."""
        if self._whole:
            return
        self._whole = True
        merged = dict(self._all_loader())
        if self._rows:  # a row read before is held here as the engine left it: the file's copy does not count
            held = self._rows
            merged = {cell: value for cell, value in merged.items() if (cell[0], cell[1]) not in held}
        merged.update(dict.items(self))
        dict.clear(self)
        dict.update(self, merged)
        self._rows.clear()
        self.__class__ = LoadedValues  # from now on every read is a plain dict read

    @property
    def fully_loaded(self) -> bool:
        return self._whole

    # -- one cell -------------------------------------------------------------------------------
    def __getitem__(self, cell: Cell) -> int:
        self._row(cell)
        return dict.__getitem__(self, cell)

    def get(self, cell: Cell, default: Any = None) -> Any:
        self._row(cell)
        return dict.get(self, cell, default)

    def __contains__(self, cell: object) -> bool:
        if isinstance(cell, tuple) and len(cell) == 3:
            self._row(cell)  # type: ignore[arg-type]
        return dict.__contains__(self, cell)

    def __setitem__(self, cell: Cell, value: int) -> None:
        self._row(cell)
        dict.__setitem__(self, cell, value)

    def __delitem__(self, cell: Cell) -> None:
        self._row(cell)
        dict.__delitem__(self, cell)

    def pop(self, cell: Cell, *default: Any) -> Any:
        self._row(cell)
        return dict.pop(self, cell, *default)

    def setdefault(self, cell: Cell, default: Any = None) -> Any:
        self._row(cell)
        return dict.setdefault(self, cell, default)

    def update(self, other: Any = (), /, **kwargs: Any) -> None:
        items = other.items() if isinstance(other, Mapping) else other
        for cell, value in items:
            self[cell] = value
        for cell, value in kwargs.items():
            self[cell] = value  # type: ignore[index]

    # -- the whole ------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Cell]:
        self.load_all()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self.load_all()
        return dict.__len__(self)

    def __bool__(self) -> bool:
        return dict.__len__(self) > 0 or len(self) > 0

    def __eq__(self, other: object) -> bool:
        self.load_all()
        if isinstance(other, LazyValues):
            other.load_all()
        return dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]

    def __reversed__(self) -> Iterator[Cell]:
        self.load_all()
        return dict.__reversed__(self)

    def __or__(self, other: Any) -> dict:
        self.load_all()
        return dict(dict.items(self)) | dict(other)

    def __ror__(self, other: Any) -> dict:
        self.load_all()
        return dict(other) | dict(dict.items(self))

    def __ior__(self, other: Any) -> LazyValues:
        self.update(other)
        return self

    def keys(self):  # noqa: ANN201 - dict's own view types
        self.load_all()
        return dict.keys(self)

    def values(self):  # noqa: ANN201
        self.load_all()
        return dict.values(self)

    def items(self):  # noqa: ANN201
        self.load_all()
        return dict.items(self)

    def copy(self) -> dict[Cell, int]:
        self.load_all()
        return dict(dict.items(self))

    def popitem(self) -> tuple[Cell, int]:
        self.load_all()
        return dict.popitem(self)

    def clear(self) -> None:
        self._whole = True  # nothing more to read: the file's figures are dropped too
        self._rows.clear()
        dict.clear(self)
        self.__class__ = LoadedValues

    def __repr__(self) -> str:
        return f"LazyValues({len(self)} figures)"
