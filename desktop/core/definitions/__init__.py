"""Template-set definitions: models, loading and validation."""

from .errors import DefinitionError
from .loader import all_sets, get_set, load_set
from .models import BlockDef, ColumnDef, RowDef, TableDef
from .template_set import LEVEL_NAMES, TemplateSet, code_level

__all__ = [
    "BlockDef", "ColumnDef", "DefinitionError", "LEVEL_NAMES", "RowDef", "TableDef", "TemplateSet",
    "all_sets", "code_level", "get_set", "load_set",
]
