"""Field encryption: AEAD with the row bound in, key ring rotation, SM4 profile, blind indexes."""

import base64

import pytest
from sqlalchemy import select, text, update

from handlers import people
from models import Member, Person, crypto
from models.crypto import (
    BLIND_INDEX_BITS,
    FieldKeyMissing,
    FieldTampered,
    Keyring,
    SelfTestFailed,
    decrypt_value,
    encrypt_value,
    install_keyring,
    planner_bit_range,
)
from settings import new_field_key
from tests.conftest import valid_id_number

K1, K2 = new_field_key("k1"), new_field_key("k2")


def test_round_trip_and_format():
    ring = Keyring([K1])
    stored = encrypt_value(ring, "person", "mobile", "row-1", "13800138000")
    assert stored.startswith("v1:k1:")
    raw = base64.b64decode(stored.split(":", 2)[2])
    assert len(raw) == 12 + len("13800138000") + 16  # 96-bit nonce ‖ ciphertext ‖ tag
    assert decrypt_value(ring, "person", "mobile", "row-1", stored) == "13800138000"


def test_fresh_nonce_per_value():
    ring = Keyring([K1])
    nonces = {
        base64.b64decode(encrypt_value(ring, "t", "c", 1, "same").split(":", 2)[2])[:12] for _ in range(2000)
    }
    assert len(nonces) == 2000


@pytest.mark.parametrize(
    ("table", "column", "row"),
    [("person", "mobile", "row-2"), ("person", "id_number", "row-1"), ("member", "mobile", "row-1")],
)
def test_value_moved_to_another_row_or_column_fails_loudly(table, column, row):
    ring = Keyring([K1])
    stored = encrypt_value(ring, "person", "mobile", "row-1", "13800138000")
    with pytest.raises(FieldTampered, match=rf"{table}\.{column} .*key id 'k1'"):
        decrypt_value(ring, table, column, row, stored)


def test_altered_ciphertext_is_named_not_garbage():
    ring = Keyring([K1])
    stored = encrypt_value(ring, "person", "mobile", "r", "13800138000")
    raw = bytearray(base64.b64decode(stored.split(":", 2)[2]))
    raw[14] ^= 1
    forged = "v1:k1:" + base64.b64encode(bytes(raw)).decode()
    with pytest.raises(FieldTampered, match="person.mobile"):
        decrypt_value(ring, "person", "mobile", "r", forged)


def test_missing_key_names_key_id_and_column():
    stored = encrypt_value(Keyring([K2]), "person", "id_number", "r", "x")
    with pytest.raises(FieldKeyMissing, match=r"person\.id_number .*'k2'"):
        decrypt_value(Keyring([K1]), "person", "id_number", "r", stored)


def test_rotation_matrix_like_tink():
    """p1 old primary; p2 new added, not primary; p3 new primary; p4 old removed."""
    p1, p2, p3, p4 = Keyring([K1]), Keyring([K1, K2]), Keyring([K2, K1]), Keyring([K2])
    written = {
        name: encrypt_value(ring, "t", "c", 7, name)
        for name, ring in {"p1": p1, "p2": p2, "p3": p3, "p4": p4}.items()
    }
    for ring in (p1, p2, p3):
        assert decrypt_value(ring, "t", "c", 7, written["p1"]) == "p1"
        assert decrypt_value(ring, "t", "c", 7, written["p2"]) == "p2"
    assert decrypt_value(p2, "t", "c", 7, written["p3"]) == "p3"  # why p2 must be deployed before p3
    with pytest.raises(FieldKeyMissing):
        decrypt_value(p4, "t", "c", 7, written["p1"])
    with pytest.raises(FieldKeyMissing):
        decrypt_value(p1, "t", "c", 7, written["p3"])


def test_sm4_profile_round_trips_and_is_chosen_per_key_id():
    sm4 = new_field_key("g1", "sm4-gcm")
    ring = Keyring([sm4, K1])
    stored = encrypt_value(ring, "person", "mobile", "r", "13800138000")
    assert stored.startswith("v1:g1:")
    assert decrypt_value(Keyring([K1, sm4]), "person", "mobile", "r", stored) == "13800138000"
    aes_value = encrypt_value(Keyring([K1]), "person", "mobile", "r", "x")
    assert decrypt_value(ring, "person", "mobile", "r", aes_value) == "x"


def test_sm4_profile_refuses_to_start_when_the_rfc8998_answer_is_wrong(monkeypatch):
    crypto.sm4_self_test()  # the real library reproduces RFC 8998 A.1
    monkeypatch.setattr(crypto, "_RFC8998_SEALED", b"\x00" * 80)
    with pytest.raises(SelfTestFailed, match="RFC 8998"):
        Keyring([new_field_key("g1", "sm4-gcm")])
    Keyring([K1])  # an AES-only ring does not depend on SM4


def test_blind_index_is_sized_by_the_planner():
    # CipherSweet's documented range for 20,000 rows is 8-14 bits.
    low, high = planner_bit_range(20_000)
    assert (low, high) == (8, 13)
    assert 8 <= BLIND_INDEX_BITS <= 14
    assert planner_bit_range(2_000) == (6, 9)


def test_person_fields_are_ciphertext_in_the_database(db_session, make_person):
    person = make_person(mobile="139 1234 5678")
    db_session.flush()
    row = db_session.execute(
        text("SELECT mobile_ciphertext, id_number_ciphertext FROM person WHERE id = :id"),
        {"id": person.id if db_session.get_bind().dialect.name == "postgresql" else person.id.hex},
    ).one()
    assert "13912345678" not in row[0] and row[0].startswith("v1:")
    assert person.mobile == "13912345678"


def test_ciphertext_copied_between_people_does_not_decrypt(db_session, make_person):
    alice, bob = make_person(), make_person()
    db_session.execute(
        update(Person).where(Person.id == bob.id).values(mobile_ciphertext=alice.mobile_ciphertext)
    )
    db_session.expire_all()
    bob = db_session.get(Person, bob.id)
    with pytest.raises(FieldTampered, match="person.mobile"):
        _ = bob.mobile


def test_exact_lookup_by_mobile_and_id_number_through_the_blind_index(db_session, make_person):
    target = make_person(mobile="13700001111", id_number=valid_id_number(7).lower().replace("x", "x"))
    for _ in range(5):
        make_person()
    assert people.find_by_mobile(db_session, "+86 137-0000-1111").id == target.id
    assert people.find_by_id_number(db_session, valid_id_number(7)).id == target.id
    assert people.find_by_mobile(db_session, "13700002222") is None


def test_lookup_during_rotation_finds_rows_under_either_key(db_session, make_person, app):
    old_ring = app.extensions["dangjian.keyring"]
    person = make_person(mobile="13655556666")
    install_keyring(Keyring([new_field_key("t2"), *old_ring.keys]))
    try:
        assert people.find_by_mobile(db_session, "13655556666").id == person.id
    finally:
        install_keyring(old_ring)


def test_every_sensitive_column_is_registered_for_rotation():
    registered = {(m.__tablename__, f.name) for m, f in crypto.ENCRYPTED_FIELDS}
    assert {
        ("person", "id_number"),
        ("person", "mobile"),
        ("person", "birth_date"),
        ("person", "political_status"),
        ("member", "dues_base"),
    } <= registered
    assert Member.__dict__["dues_base"].normalise is None  # no blind index on low-value fields


def test_members_dues_base_round_trips_as_decimal(db_session, make_member):
    from decimal import Decimal

    member = make_member(dues_base=Decimal("3000.01"))
    db_session.flush()
    db_session.expire_all()
    assert db_session.scalars(select(Member).where(Member.id == member.id)).one().dues_base == Decimal(
        "3000.01"
    )
