"""The WeCom emulator as a WSGI app for gunicorn (one process: its state is in memory)."""

from __future__ import annotations

from settings import DEMO_WECOM
from wecom.emulator.api import create_emulator_app

emulator = create_emulator_app(
    DEMO_WECOM["WECOM_CORP_ID"], DEMO_WECOM["WECOM_SECRET"], DEMO_WECOM["WECOM_AGENT_ID"]
)
