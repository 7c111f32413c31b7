"""The rows of sealed sign-off (tables review_seal, seal_signature and signer_key of migrations 0003/0004)
and the figures a seal covers, as stored. The review room (desktop.core.review) decides what is sealed,
signed and verified; this module only reads and writes the rows."""

from __future__ import annotations

from msgspec import Struct

from . import numbers
from .forms_rows import FORM_PREFIX, form_figures
from .store import Document
from .tx import Tx, _connection

SIGNED_META = ("set_id", "unit_name", "year")


class SealRow(Struct, frozen=True):
    """A stored seal: the figures as signed (canonical JSON), their digest, who, when, the log id then."""

    tbl: str
    digest: str
    figures: str
    signer: str
    at: str
    log_id: int


class SignatureRow(Struct, frozen=True):
    """The signature of a seal: the log head it covers, the public key and the signature (hex)."""

    tbl: str
    log_id: int
    log_head: str
    public_key: str
    signature: str


def figures(source: Document | Tx, tbl: str) -> dict[str, str]:
    """The figures of a table as {"row|col": value, "row:<code>": name}, values as stored (exact text;
    text cells marked by a leading quote); a 绩效 form's (``jixiao:<id>``) as :func:`form_figures` gives them."""
    if tbl.startswith(FORM_PREFIX):
        return form_figures(source, int(tbl[len(FORM_PREFIX):]))
    conn = _connection(source)
    out: dict[str, str] = {}
    for row, col, num, txt in conn.execute("SELECT row, col, num, txt FROM cell WHERE tbl = ?", (tbl,)):
        out[f"{row}|{col}"] = numbers.hundredths_text(num) if num is not None else f"'{txt}"
    for code, name in conn.execute("SELECT code, name FROM float_row WHERE tbl = ?", (tbl,)):
        out[f"row:{code}"] = name
    return out


def read_seal(source: Document | Tx, tbl: str) -> SealRow | None:
    rec = _connection(source).execute("SELECT tbl, digest, figures, signer, at, log_id FROM review_seal WHERE tbl = ?",
                                      (tbl,)).fetchone()
    return SealRow(*rec) if rec else None


def seal_rows(source: Document | Tx) -> list[SealRow]:
    """Every seal, by table."""
    rows = _connection(source).execute("SELECT tbl, digest, figures, signer, at, log_id FROM review_seal ORDER BY tbl")
    return [SealRow(*r) for r in rows]


def put_seal(tx: Tx, seal: SealRow) -> None:
    _connection(tx).execute(
        "INSERT OR REPLACE INTO review_seal(tbl, digest, figures, signer, at, log_id) VALUES (?, ?, ?, ?, ?, ?)",
        (seal.tbl, seal.digest, seal.figures, seal.signer, seal.at, seal.log_id))


def drop_seal(tx: Tx, tbl: str) -> None:
    """Remove a table's seal and its signature."""
    conn = _connection(tx)
    conn.execute("DELETE FROM review_seal WHERE tbl = ?", (tbl,))
    conn.execute("DELETE FROM seal_signature WHERE tbl = ?", (tbl,))


def read_signature(source: Document | Tx, tbl: str) -> SignatureRow | None:
    rec = _connection(source).execute(
        "SELECT tbl, log_id, log_head, public_key, signature FROM seal_signature WHERE tbl = ?", (tbl,)).fetchone()
    return SignatureRow(rec[0], int(rec[1]), rec[2], rec[3], rec[4]) if rec else None


def signed_tables(source: Document | Tx) -> dict[str, str]:
    """{table: public key} of every signed seal."""
    return dict(_connection(source).execute("SELECT tbl, public_key FROM seal_signature"))


def put_signature(tx: Tx, signature: SignatureRow, *, signer: str, fingerprint: str, added_at: str) -> None:
    """Store a seal's signature and (once) the signer's public key."""
    conn = _connection(tx)
    conn.execute("INSERT OR IGNORE INTO signer_key(name, public_key, fingerprint, added_at) VALUES (?, ?, ?, ?)",
                 (signer, signature.public_key, fingerprint, added_at))
    conn.execute("INSERT OR REPLACE INTO seal_signature(tbl, log_id, log_head, public_key, signature) "
                 "VALUES (?, ?, ?, ?, ?)",
                 (signature.tbl, signature.log_id, signature.log_head, signature.public_key, signature.signature))


def has_signer_key(source: Document | Tx, name: str, public_key: str) -> bool:
    """Whether the file lists ``public_key`` as a key of ``name``."""
    return _connection(source).execute("SELECT 1 FROM signer_key WHERE name = ? AND public_key = ?",
                                       (name, public_key)).fetchone() is not None


def signed_meta(source: Document | Tx) -> dict[str, str]:
    """The cover fields a signature covers (set, unit, year), as stored now."""
    conn = _connection(source)
    keys = ", ".join("?" * len(SIGNED_META))
    return dict(conn.execute(f"SELECT key, value FROM meta WHERE key IN ({keys})", SIGNED_META))
