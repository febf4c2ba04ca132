"""我的党费: the member's own dues — this year's amount and how it was computed, each month, a
receipt per payment; the base shown only when they choose to see it (audited)."""

from __future__ import annotations

from flask import g, render_template, request
from flask.typing import ResponseReturnValue

from handlers import dues
from web import db_session, parse_uuid
from web.h5.frame import bp, member_pages

member_pages("h5.my_dues", "h5.dues")


@bp.get("/dues")
def my_dues() -> ResponseReturnValue:
    session = db_session()
    year = request.args.get("year", type=int)
    return render_template("h5/dues.html", dues=dues.my_year(session, g.person, year), base=None)


@bp.post("/dues/base")
def dues_base() -> ResponseReturnValue:
    session = db_session()
    base = dues.reveal_my_base(session, g.actor, g.person)
    return render_template("h5/dues.html", dues=dues.my_year(session, g.person), base=base, shown=True)


@bp.get("/dues/receipts/<payment_id>")
def dues_receipt(payment_id: str) -> ResponseReturnValue:
    payment = dues.receipt(db_session(), g.person, parse_uuid(payment_id))
    return render_template("h5/dues_receipt.html", payment=payment, number=dues.receipt_number(payment))
