"""The demo hospital for `flask seed demo` (data, not use-cases): campuses, the org tree, ~600
members, roles, and a year of activity.

Everything goes through the same handlers as real data (validation, encryption, audit).
The same seed gives the same hospital: same codes, userids, names and identity data.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from demo.hospital import DemoHospital, SeedReport
from models import PartyOrg
from models.base import CHINA


def already_seeded(session: Session) -> bool:
    return session.scalar(select(PartyOrg.id).where(PartyOrg.code == "DW")) is not None


def seed_demo(
    session: Session,
    *,
    seed: int = 20261122,
    progress: Callable[[str], None] = lambda s: None,
    today: date | None = None,
) -> SeedReport:
    """Create the demo hospital in the caller's transaction (its meeting history up to `today`)."""
    progress("正在生成演示医院……")
    report = DemoHospital(session, seed, today or datetime.now(CHINA).date()).build()
    session.flush()
    return report
