"""The two WSGI apps bench/callback.py runs under gunicorn (configured by environment).

`app`: Dangjian itself, plus one card route that writes the way check-in will: the callback
receipt and one row (as an attendance row) in one transaction. Not an audit event: the
audit chain serialises its appends, so a meeting's burst of check-ins must not go through
it (measured here: 0.38 of the floor with an audit append per tap, against 0.6 without).

`floor`: the least any callback endpoint must do — check the signature, decrypt, parse,
one Redis SET NX — and nothing else.
"""

from __future__ import annotations

import hashlib
import os

from flask import Flask, Response, request
from redis import Redis

from wecom.crypto import CallbackCrypto
from wecom.messages import parse_inbound, parse_xml


def _dangjian() -> Flask:
    from sqlalchemy import text

    from app import create_app
    from wecom.commands import router
    from wecom.router import Reply

    @router.card_action("bench.tap")
    def tap(ctx):  # the effect the benchmark counts: one row per unique tap
        ctx.session.execute(text("INSERT INTO bench_effect (tap) VALUES (:tap)"), {"tap": ctx.argument})
        return Reply("update_button", "已签到")

    return create_app({})


def _floor() -> Flask:
    floor = Flask("floor")
    crypto = CallbackCrypto(
        os.environ["WECOM_TOKEN"], os.environ["WECOM_ENCODING_AES_KEY"], os.environ["WECOM_CORP_ID"]
    )
    redis = Redis.from_url(os.environ["REDIS_URL"])

    @floor.post("/wecom/callback")
    def callback() -> Response:
        args = request.args
        encrypt = parse_xml(request.get_data()).findtext("Encrypt") or ""
        if not crypto.signature_matches(args["msg_signature"], args["timestamp"], args["nonce"], encrypt):
            return Response("", status=403)
        inbound = parse_inbound(crypto.decrypt(encrypt))
        key = "bench:floor:" + hashlib.sha256(inbound.dedupe_key.encode()).hexdigest()
        redis.set(key, b"1", nx=True, ex=600)
        return Response("")

    return floor


app = _dangjian() if os.environ.get("BENCH_APP") == "app" else None
floor = _floor() if os.environ.get("BENCH_APP") == "floor" else None
