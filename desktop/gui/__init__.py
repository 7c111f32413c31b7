"""The PySide6 application: a thin layer of widgets over :mod:`desktop.core`."""

# The core first, Qt after. PySide6 reads the source text of every module imported after it (its
# ``__feature__`` switch looks for the word "PySide6"): for the ~100 core and library modules a document's
# window needs that cost about 15 ms at every start. tests/test_gui_start_order.py keeps this list whole.
from ..core import crashlog, grid, huizong, money, review, session  # noqa: F401
from ..core.document import narrative_rows  # noqa: F401
from ..core.formats import sheet_layout  # noqa: F401
from ..core.jixiao import errors  # noqa: F401
from ..core.narrative import names, store  # noqa: F401
from .qt_values import shield_singletons

shield_singletons()  # before any widget exists: PySide6 6.12 loses references to None and True (qt_values)
