"""The document file (.gkb): one SQLite file per unit, year and template set."""

from .errors import DocumentError
from .migrations import schema_version
from .probe import APPLICATION_ID
from .store import FILE_SUFFIX, Document

__all__ = ["APPLICATION_ID", "FILE_SUFFIX", "Document", "DocumentError", "schema_version"]
