"""Where a message, a reminder, a to-do or a workbench figure sends a person: the app's pages by
their route names (`links.page("h5.meeting_detail", meeting_id=...)`), built in one place.

Use-cases know no URLs and import nothing from web/: the web adapter installs the builder (its URL
map) when the app is created, so a path named here is always the route that serves it, and a
renamed route fails loudly instead of sending members to a 404. Paths are relative to the app;
wecom/ makes them absolute with PUBLIC_BASE_URL for cards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: Builds a path from an endpoint and its values (extra values become the query string).
PathBuilder = Callable[[str, dict[str, Any]], str]

_builder: PathBuilder | None = None


def install(builder: PathBuilder) -> None:
    """Called by web.init_app with the app's URL map (every app of the process has the same routes)."""
    global _builder
    _builder = builder


def page(endpoint: str, **values: Any) -> str:
    """The path of the app's page `endpoint` (e.g. "h5.meeting_detail") with these values."""
    if _builder is None:
        raise RuntimeError("links.page needs an app: create_app installs the URL builder")
    return _builder(endpoint, {k: str(v) for k, v in values.items()})


def static(filename: str) -> str:
    """The path of a file the app serves from static/ (the default lesson cover, say)."""
    return page("static", filename=filename)
