"""The write handle of a document: what :meth:`Document.transaction` gives the rooms instead of a connection.

The document package is the only place that talks SQL. A room (forms, review, text parts) groups several
writes into one committed transaction by passing the :class:`Tx` it is given to the typed store functions
of this package (``forms_rows``, ``review_rows``, ``seal_rows``, ``narrative_rows``); the handle itself
offers no SQL, only the change log (through :mod:`.changelog`, the one writer of its hash chain).

A store function that only reads takes the open document, or the transaction when the read must see the
transaction's own writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING

from . import changelog
from .changelog import Entry

if TYPE_CHECKING:
    from .store import Document


class Tx:
    """An open write transaction of one document (valid inside its ``with`` block only)."""

    __slots__ = ("_conn",)

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def log(self, at: str, who: str, action: str, **where: str | None) -> tuple[int, str]:
        """Append one change-log row (``where``: tbl, row, col, old, new); returns its (id, chain value)."""
        return changelog.log(self._conn, at, who, action, **where)

    def append(self, entries: Iterable[Entry]) -> tuple[int, str] | None:
        """Append change-log rows in order; returns (id, chain value) of the last one."""
        return changelog.append(self._conn, entries)


def _connection(source: Document | Tx) -> sqlite3.Connection:
    """The connection behind a document or a transaction: for the store modules of this package only."""
    return source._conn  # noqa: SLF001 - package-private by design
