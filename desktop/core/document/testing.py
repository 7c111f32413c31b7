"""The escape hatch for tests: the raw SQLite connection of an open document or transaction.

Tests use it to look at what a file really stores, or to change it behind the application's back as a
colleague with a SQLite tool could. Product code never imports this module (tests/test_one_store.py fails
when a module of desktop/ outside this package does).
"""

from __future__ import annotations

import sqlite3

from .store import Document
from .tx import Tx, _connection


def raw_connection_for_tests(source: Document | Tx) -> sqlite3.Connection:
    """The connection behind ``source``; writes through it bypass the change log and its checks."""
    return _connection(source)
