"""Field encryption: our stored format (AAD, key id, base64) against bare AES-256-GCM.

Baseline: pycryptodome AES-256-GCM on the same values with a 12-byte nonce and no framing,
measured in the same run. Goal: the framing costs no more than 3x the bare cipher, so
decrypting a 500-row roster page of three fields stays far below a millisecond per row.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from Crypto.Cipher import AES  # nosec B413 - pycryptodome
from Crypto.Random import get_random_bytes

from models.crypto import Keyring, decrypt_value, encrypt_value
from settings import new_field_key

ROUNDS = 5_000
GOAL_RATIO = 3.0


def _timed(work: Callable[[], None]) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def run() -> Iterator[str]:
    key = new_field_key("b1")
    ring = Keyring([key])
    values = [f"1380013{i:04d}" for i in range(ROUNDS)]

    def baseline() -> None:
        for value in values:
            nonce = get_random_bytes(12)
            sealed, tag = AES.new(key.secret, AES.MODE_GCM, nonce=nonce).encrypt_and_digest(value.encode())
            AES.new(key.secret, AES.MODE_GCM, nonce=nonce).decrypt_and_verify(sealed, tag)

    def ours() -> None:
        for i, value in enumerate(values):
            stored = encrypt_value(ring, "person", "mobile", i, value)
            decrypt_value(ring, "person", "mobile", i, stored)

    base, mine = _timed(baseline), _timed(ours)
    ratio = mine / base
    per_value_us = mine / ROUNDS * 1e6
    yield f"bare AES-GCM: {base / ROUNDS * 1e6:.1f} µs per encrypt+decrypt (baseline)"
    yield f"stored format: {per_value_us:.1f} µs per encrypt+decrypt"
    yield f"ratio {ratio:.2f} (goal ≤ {GOAL_RATIO}) → {'PASS' if ratio <= GOAL_RATIO else 'FAIL'}"
