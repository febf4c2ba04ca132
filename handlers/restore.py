"""The backup manifest and the restore check (issue 16 item 10): a restore you can trust.

At backup time `flask backup manifest` writes what the database holds — rows per table and the
audit chain's head — beside the dump. On the restored copy `flask restore check` compares: the
rows per table against the manifest, the audit chain against its anchors kept outside the
database, and every encrypted value decrypted with the configured key ring, counting failures
by table and column (never printing a value). A key left out of FIELD_KEYS shows up here, on
the drill, not on the day a nurse's record will not open.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers import audit
from handlers.keys import encrypted_columns
from models.base import Base, utcnow
from models.crypto import FieldCryptoError, Keyring, decrypt_value

#: Tables that keep changing while the app serves (sessions, the outbox, receipts, the chain's
#: own appends): a dump taken a moment after the manifest may differ there; shown, not failed.
VOLATILE = frozenset({"web_session", "outbound_message", "callback_receipt", "audit_event", "schedule_entry"})


def manifest(session: Session) -> dict[str, Any]:
    head = audit.anchor_now(session)
    return {
        "written_at": utcnow().isoformat(timespec="seconds"),
        "tables": {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        },
        "audit_head": head.line() if head else None,
    }


@dataclass
class RestoreReport:
    #: table → (rows in the manifest, rows now), where they differ
    rows: dict[str, tuple[int, int]] = field(default_factory=dict)
    volatile_rows: dict[str, tuple[int, int]] = field(default_factory=dict)
    chain: audit.ChainReport | None = None
    #: "table.column" → values that would not decrypt (missing key, tampered ciphertext)
    undecryptable: Counter[str] = field(default_factory=Counter)
    decrypted: int = 0

    @property
    def ok(self) -> bool:
        return not self.rows and not self.undecryptable and (self.chain is None or self.chain.ok)

    def lines(self) -> list[str]:
        out = [f"表行数：{'与清单一致' if not self.rows else '不一致'}"]
        out += [
            f"  {table}：清单 {then} 行，现有 {now} 行" for table, (then, now) in sorted(self.rows.items())
        ]
        out += [
            f"  （持续变化的表 {table}：清单 {then} 行，现有 {now} 行，不计为问题）"
            for table, (then, now) in sorted(self.volatile_rows.items())
        ]
        if self.chain is not None:
            out.append(
                f"审计链：完整，已检查 {self.chain.checked} 条"
                if self.chain.ok
                else f"审计链：在第 {self.chain.broken_at} 条处断开：{self.chain.reason}"
            )
        out.append(f"加密字段：已解密 {self.decrypted} 个，失败 {sum(self.undecryptable.values())} 个")
        out += [f"  {label}：{count} 个无法解密" for label, count in sorted(self.undecryptable.items())]
        return out


def check(
    session: Session, expected: dict[str, Any], keyring: Keyring, anchors: list[audit.Anchor]
) -> RestoreReport:
    report = RestoreReport()
    for table in Base.metadata.sorted_tables:
        now = session.scalar(select(func.count()).select_from(table)) or 0
        then = int(expected.get("tables", {}).get(table.name, 0))
        if now != then:
            (report.volatile_rows if table.name in VOLATILE else report.rows)[table.name] = (then, now)
    head = audit.Anchor.parse(expected["audit_head"]) if expected.get("audit_head") else None
    report.chain = audit.verify_chain(session, [*anchors, *([head] if head else [])])
    for column in encrypted_columns():
        rows = session.execute(select(column.model.id, column.column).where(column.column.isnot(None))).all()
        for row_id, stored in rows:
            try:
                decrypt_value(keyring, column.model.__tablename__, column.field.name, row_id, stored)
                report.decrypted += 1
            except FieldCryptoError:
                report.undecryptable[column.label] += 1
    return report
