"""Print the hostile-input corpus as a Markdown table (kind → what must happen): ``python tests/hostile/corpus_table.py``.

tests/hostile/CORPUS.md is this output; tests/test_hostile_corpus.py runs every row.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def table() -> str:
    from test_hostile_corpus import KINDS

    counts = Counter(k.category for k in KINDS)
    lines = ["# The hostile-input corpus", "",
             f"{len(KINDS)} kinds: " + ", ".join(f"{n} {c}" for c, n in sorted(counts.items())) + ".", "",
             "Refused: a Chinese message, exit 2, the input's bytes unchanged, nothing left beside it. Read: the "
             "command succeeds and reports what it did not take. GUI: also opened through the window "
             "(documents, locks, special files) or its 导入 Excel (workbooks).", "",
             "| kind | input | outcome | commands → exit codes | GUI |", "|---|---|---|---|---|"]
    for k in KINDS:
        runs = "; ".join(f"{' '.join(r.argv[:2])} → {'/'.join(map(str, sorted(r.exit_codes)))}" for r in k.runs)
        read = any(0 in r.exit_codes for r in k.runs)
        outcome = "read" if read else "refused"
        note = f" ({k.notes})" if k.notes else ""
        lines.append(f"| {k.name} | {k.category} | {outcome}{note} | {runs or 'every reading command → 2'} | "
                     f"{'yes' if k.gui else 'no'} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(table())
