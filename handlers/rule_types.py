"""What a rule of the catalogue is (handlers/rule_catalogue.py lists them; handlers/rules.py reads,
overrides and shows them)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    #: "count", "hours" (学时), "duration_hours", "minutes", "yuan", "points", "percent", "time", "flag",
    #: "text" (a sentence the hospital words itself)
    kind: str
    default: Any
    source: str
    #: Local practice rather than a national rule (DOMAIN.md's *local*).
    local: bool = False
    #: What a count counts (人, 年, 天, 条, 个月); the kind's own unit otherwise (次, 学时, 分钟…).
    unit: str | None = None

    @property
    def label_text(self) -> str:
        """The label without the unit in brackets, now that the value carries it."""
        return re.sub(r"（(年|天|条|月数)）$", "", self.label)
