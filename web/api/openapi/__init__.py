"""The OpenAPI 3.1 description of /api/v1/, served at /api/v1/openapi.json: one module of schemas
and paths per collection, put together by `document`."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from web.api.frame import bp
from web.api.openapi.document import document


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    return jsonify(document())
