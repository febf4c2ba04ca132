"""The emulator's inspection API, for tests and benchmarks: what was delivered, the rates seen,
and faults, token expiry and latency to inject."""

from __future__ import annotations

import time
from collections import defaultdict

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from wecom.emulator.state import EmulatorState, _busiest_minute, ok


def create_inspection_blueprint(state: EmulatorState) -> Blueprint:
    """What tests and the demo page read and steer (not part of WeCom)."""
    bp = Blueprint("wecom_emulator_inspect", __name__)

    @bp.get("/api/messages")
    def messages() -> ResponseReturnValue:
        user = request.args.get("user")
        with state.lock:
            rows = [d for d in state.deliveries if user is None or d.to_user == user.lower()]
            return jsonify(
                [
                    {
                        "msgid": d.msgid,
                        "to_user": d.to_user,
                        "msgtype": d.msgtype,
                        "body": d.body,
                        "at": d.at,
                        "replaced_with": d.replaced_with,
                        "recalled": d.recalled,
                    }
                    for d in rows
                ]
            )

    @bp.get("/api/stats")
    def stats() -> ResponseReturnValue:
        with state.lock:
            return jsonify(
                {
                    "gettoken_calls": state.gettoken_calls,
                    "api_calls": dict(state.api_calls),
                    "deliveries": len(state.deliveries),
                    "dropped": list(state.dropped),
                }
            )

    @bp.get("/api/rates")
    def rates() -> ResponseReturnValue:
        """What a load test needs: the busiest 60 seconds of calls and their span, the busiest
        minute of any one member, how many 45009 refusals, and the deliveries per member."""
        with state.lock:
            calls = sorted(state.call_times)
            per_member: defaultdict[str, list[float]] = defaultdict(list)
            for delivery in state.deliveries:
                per_member[delivery.to_user].append(delivery.at)
            refusals = state.rate_refusals
            accepted = len({d.msgid for d in state.deliveries})
        return jsonify(
            {
                "calls": len(calls),
                "peak_calls_per_minute": _busiest_minute(calls),
                "max_member_per_minute": max(
                    (_busiest_minute(sorted(t)) for t in per_member.values()), default=0
                ),
                "rate_refusals": refusals,
                "members": len(per_member),
                "deliveries": sum(len(t) for t in per_member.values()),
                "most_deliveries_to_one_member": max((len(t) for t in per_member.values()), default=0),
                # Calls that delivered (one msgid each); the rest were refused (token, limits, faults).
                "accepted_sends": accepted,
                # The span of the calls, for the rate while sending (calls ÷ span).
                "first_call_at": calls[0] if calls else None,
                "last_call_at": calls[-1] if calls else None,
            }
        )

    _fault_routes(bp, state)
    return bp


def _fault_routes(bp: Blueprint, state: EmulatorState) -> None:
    """What tests inject: faults, an expired token, latency; and a reset between tests."""

    @bp.post("/api/faults")
    def faults() -> ResponseReturnValue:
        spec = request.get_json(force=True)
        with state.lock:
            for _ in range(int(spec.get("times", 1))):
                state.faults.append((spec.get("api", "*"), int(spec["errcode"])))
        return ok()

    @bp.post("/api/expire-token")
    def expire_token() -> ResponseReturnValue:
        with state.lock:
            for token in state.tokens:
                state.tokens[token] = time.time() - 1
        return ok()

    @bp.post("/api/latency")
    def latency() -> ResponseReturnValue:
        state.latency_ms = int(request.get_json(force=True).get("ms", 0))
        return ok()

    @bp.post("/api/reset")
    def reset() -> ResponseReturnValue:
        state.reset()
        return ok()
