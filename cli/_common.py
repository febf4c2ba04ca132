"""Helpers shared by the command groups."""

from __future__ import annotations

from flask import current_app

from models.db import Database


def database() -> Database:
    return current_app.extensions["dangjian.db"]
