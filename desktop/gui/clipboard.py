"""Tab-separated blocks as Excel and WPS put them on the clipboard (Qt-free helpers)."""

from __future__ import annotations


def parse_block(text: str) -> list[list[str]]:
    """Rows of cells from clipboard text; a trailing line break (Excel adds one) is not a row.

    Quoted cells (Excel quotes a cell holding a line break or a tab) are unquoted.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    if not text:
        return []
    rows: list[list[str]] = [[]]
    cell: list[str] = []
    quoted = False
    i = 0
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == '"' and i + 1 < len(text) and text[i + 1] == '"':
                cell.append('"')
                i += 1
            elif ch == '"':
                quoted = False
            else:
                cell.append(ch)
        elif ch == '"' and not cell:
            quoted = True
        elif ch == "\t":
            rows[-1].append("".join(cell))
            cell = []
        elif ch == "\n":
            rows[-1].append("".join(cell))
            cell = []
            rows.append([])
        else:
            cell.append(ch)
        i += 1
    rows[-1].append("".join(cell))
    return rows


def format_block(rows: list[list[str]]) -> str:
    """Clipboard text for a block; cells with tabs, line breaks or quotes are quoted as Excel does."""
    def quote(cell: str) -> str:
        if any(ch in cell for ch in '\t\n"'):
            return '"' + cell.replace('"', '""') + '"'
        return cell
    return "".join("\t".join(quote(c) for c in row) + "\n" for row in rows)
