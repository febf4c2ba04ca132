"""Field-key rotation: re-encrypt every stored value under the active key, in small batches.

The order is Tink's: add the new key everywhere (not active) → promote it → re-encrypt →
retire the old key once no value uses it. Each batch is its own short transaction, so the
app keeps serving, an interruption loses at most one uncommitted batch (every row stays
readable: both keys are still in the ring), and running again resumes where it stopped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, not_, select
from sqlalchemy.orm import Session

from handlers import audit
from handlers.policy import Actor
from models.crypto import ENCRYPTED_FIELDS, EncryptedField, Keyring, key_id_of


@dataclass(frozen=True)
class EncryptedColumn:
    model: type
    field: EncryptedField[Any]

    @property
    def label(self) -> str:
        return f"{self.model.__tablename__}.{self.field.name}"

    @property
    def column(self) -> Any:
        return getattr(self.model, self.field.column)


def encrypted_columns() -> list[EncryptedColumn]:
    return [EncryptedColumn(model, field) for model, field in ENCRYPTED_FIELDS]


def _stale(column: EncryptedColumn, keyring: Keyring) -> Any:
    """Values not written with the active key (the prefix is `v1:<key id>:`)."""
    prefix = f"v1:{keyring.active.key_id}:"
    return column.column.isnot(None) & not_(column.column.startswith(prefix, autoescape=True))


def values_per_key(session: Session) -> dict[str, Counter[str]]:
    """{column label: Counter(key id → number of values)} — what `keys status` shows."""
    report: dict[str, Counter[str]] = {}
    for column in encrypted_columns():
        counts: Counter[str] = Counter()
        for stored in session.scalars(select(column.column).where(column.column.isnot(None))):
            counts[key_id_of(stored)] += 1
        report[column.label] = counts
    return report


def count_stale(session: Session, keyring: Keyring) -> int:
    return sum(
        session.scalar(select(func.count()).select_from(c.model).where(_stale(c, keyring))) or 0
        for c in encrypted_columns()
    )


def reencrypt_batch(session: Session, column: EncryptedColumn, keyring: Keyring, *, batch_size: int) -> int:
    """Re-encrypt up to `batch_size` stale values of one column; returns how many."""
    stmt = select(column.model).where(_stale(column, keyring)).order_by(column.model.id).limit(batch_size)
    if session.get_bind().dialect.name == "postgresql":
        # Lock the batch's rows: a concurrent edit waits for this short transaction instead of
        # being overwritten by a re-encryption of the value it replaced.
        stmt = stmt.with_for_update(skip_locked=True)
    rows = session.scalars(stmt).all()
    for obj in rows:
        column.field.reencrypt(obj, keyring)
        if column.field.needs_reencrypt(obj, keyring):  # never loop forever on a value we cannot move
            raise RuntimeError(f"{column.label}: row {obj.id} did not move to key {keyring.active.key_id}")
    session.flush()
    return len(rows)


def rotate(
    unit_of_work: Callable[[], Any],
    keyring: Keyring,
    *,
    batch_size: int = 200,
    on_progress: Callable[[int], None] = lambda n: None,
) -> int:
    """Re-encrypt everything under the active key, one committed batch at a time.

    `unit_of_work` is Database.unit_of_work: each batch commits on its own.
    """
    total = 0
    for column in encrypted_columns():
        for done in _batches(unit_of_work, column, keyring, batch_size):
            total += done
            on_progress(done)
    with unit_of_work() as session:
        audit.record(
            session,
            Actor.cli("flask keys rotate"),
            "keys.rotate",
            detail={"active_key": keyring.active.key_id, "reencrypted": total},
        )
    return total


def _batches(
    unit_of_work: Callable[[], Any], column: EncryptedColumn, keyring: Keyring, size: int
) -> Iterator[int]:
    while True:
        with unit_of_work() as session:
            done = reencrypt_batch(session, column, keyring, batch_size=size)
        if done == 0:
            return
        yield done
