"""HTTP for browsers and REST clients: the H5 mini-app (/m/), the console (/admin/), /api/v1/.

Views are thin: parse, call one handler, answer. The request commits once, in
web/transaction.py, which every view of the app runs inside.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g

from handlers.learning.hours import format_hours
from models.base import local_text
from web.transaction import path_id as parse_uuid  # noqa: F401  (views: an id from the path)

# The request's database session, as every view calls it; it commits once, at web/transaction.py.
from web.transaction import request_session as db_session

__all__ = ["db_session", "init_app"]


def _close_db_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()  # rolls back whatever the view did not commit


def _close_before_saving_login(response: Response) -> Response:
    """Finish the view's transaction before Flask saves the login session (after_request runs
    first): the connection goes back sooner, and the login's own commit is never ordered
    inside the view's transaction."""
    _close_db_session()
    return response


def _choices(items: Any, value: str = "id", text: str = "name") -> list[tuple[Any, Any]]:
    """Rows as (value, text) pairs for a select cell: {{ orgs|choices }}."""
    return [(getattr(item, value), getattr(item, text)) for item in items]


def init_app(app: Flask) -> None:
    from handlers import links
    from web import (
        admin,
        api,
        charts,
        errors,
        h5,
        health,
        input_boundary,
        screen,
        security,
        sessions,
        transaction,
    )

    transaction.dispatch_in_one_transaction(app)
    # Use-cases name pages by route (handlers/links.py); this app's URL map builds the paths.
    links.install(lambda endpoint, values: app.url_map.bind("").build(endpoint, values))
    # Times on every page read as Beijing time through the one formatter: {{ moment|local('%m-%d') }}.
    app.jinja_env.filters["local"] = local_text
    app.jinja_env.filters["hours"] = format_hours  # 学时 as people write them: 0.5, 32
    app.jinja_env.filters["choices"] = _choices
    app.jinja_env.filters["completion_row"] = charts.completion_row
    app.after_request(_close_before_saving_login)
    app.teardown_appcontext(_close_db_session)  # when the view raised
    sessions.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(h5.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(screen.bp)
    input_boundary.init_app(app)  # after the app-wide hooks (a page may raise its body limit)
