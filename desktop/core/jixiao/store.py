"""Forms in the .gkb document, as the forms room sees them: the rows stored by
:mod:`desktop.core.document.forms_rows` (the only place their SQL lives) turned into :class:`Form` objects
in printed order. Each edit is one committed transaction with its change-log rows (``tbl`` = ``jixiao:<id>``).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..document import Document
from ..document.forms_rows import (
    add_indicator_row,
    delete_form,
    form_table,
    has_forms,
    insert_form,
    remove_indicator_row,
    rename_form,
    reorder_indicators,
    write_cells,
    write_fields,
)
from ..document.forms_rows import read_forms as _stored_forms
from .form import Form, Indicator

__all__ = ["add_indicator_row", "delete_form", "form_table", "has_forms", "insert_form", "read_forms",
           "remove_indicator_row", "rename_form", "reorder_indicators", "write_cells", "write_fields"]


def read_forms(doc: Document, level2_order: Mapping[str, list[str]] | None = None) -> list[Form]:
    """Every form of the document in order, with fields and indicator rows.

    ``level2_order`` (shape → 二级 keys in tree order) puts each form's rows in printed order: by 二级 in
    the tree, then by position; without it, rows keep their stored positions only within each 二级.
    """
    out = []
    for stored in _stored_forms(doc):
        form = Form(stored.id, stored.shape, stored.title, stored.position, dict(stored.fields),
                    [Indicator(i.id, i.level2, dict(i.cells)) for i in stored.indicators])
        order = {k: n for n, k in enumerate((level2_order or {}).get(form.shape, []))}
        form.indicators.sort(key=lambda i: order.get(i.level2, len(order)))  # stable: positions kept
        out.append(form)
    return out
