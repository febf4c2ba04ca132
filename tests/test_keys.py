"""Key rotation: add → promote → re-encrypt → retire, resumable, never leaving a row unreadable."""

import pytest
from sqlalchemy import select

from handlers import keys as key_rotation
from models import Person
from models.crypto import Keyring, install_keyring, key_id_of
from settings import new_field_key


@pytest.fixture
def population(db_session, make_member, make_person):
    from decimal import Decimal

    members = [make_member(dues_base=Decimal(3000 + i)) for i in range(7)]
    staff = [make_person() for _ in range(5)]
    db_session.flush()
    return members, staff


@pytest.fixture
def restore_keyring(app):
    yield
    install_keyring(app.extensions["dangjian.keyring"])


def snapshot(session):
    session.expire_all()
    return sorted(
        (p.wecom_userid, p.id_number, p.mobile, p.membership.dues_base if p.membership else None)
        for p in session.scalars(select(Person))
    )


def rotate_all(app, ring):
    database = app.extensions["dangjian.db"]
    return key_rotation.rotate(database.unit_of_work, ring, batch_size=3)


def test_add_promote_rotate_retire(app, db_session, population, restore_keyring):
    old = app.extensions["dangjian.keyring"]
    before = snapshot(db_session)
    new_key = new_field_key("n1")

    install_keyring(Keyring([*old.keys, new_key]))  # step 1: added, decrypt-only
    assert snapshot(db_session) == before
    promoted = Keyring([new_key, *old.keys])  # step 2: active
    install_keyring(promoted)
    assert key_rotation.count_stale(db_session, promoted) > 0

    rotate_all(app, promoted)  # step 3
    assert key_rotation.count_stale(db_session, promoted) == 0
    db_session.expire_all()
    for person in db_session.scalars(select(Person)):
        assert key_id_of(person.mobile_ciphertext) == "n1"

    install_keyring(Keyring([new_key]))  # step 4: the old key is gone
    assert snapshot(db_session) == before
    from handlers import people

    some = db_session.scalars(select(Person)).first()
    assert people.find_by_mobile(db_session, some.mobile).id == some.id, "blind indexes moved too"


def test_a_crash_mid_rotation_leaves_every_row_readable_and_resumes(
    app, db_session, population, restore_keyring
):
    old = app.extensions["dangjian.keyring"]
    before = snapshot(db_session)
    promoted = Keyring([new_field_key("n2"), *old.keys])
    install_keyring(promoted)

    class Crash(Exception):
        pass

    def crash_after_first_batch(_done):
        raise Crash()

    database = app.extensions["dangjian.db"]
    with pytest.raises(Crash):
        key_rotation.rotate(
            database.unit_of_work, promoted, batch_size=3, on_progress=crash_after_first_batch
        )
    stale = key_rotation.count_stale(db_session, promoted)
    assert 0 < stale < key_rotation.count_stale(db_session, Keyring([new_field_key("zz")]))
    assert snapshot(db_session) == before  # half-rotated: every value still decrypts

    rotate_all(app, promoted)  # running again picks up where it stopped
    assert key_rotation.count_stale(db_session, promoted) == 0
    assert snapshot(db_session) == before


def test_cli_refuses_to_retire_a_key_still_in_use(app, db_session, population, runner, restore_keyring):
    old = app.extensions["dangjian.keyring"]
    app.extensions["dangjian.keyring"] = Keyring([new_field_key("n3"), *old.keys])
    try:
        result = runner.invoke(args=["keys", "retire", old.active.key_id])
        assert result.exit_code != 0 and "run keys rotate first" in result.output
        result = runner.invoke(args=["keys", "rotate", "--batch-size", "4"])
        assert result.exit_code == 0, result.output
        assert "全部字段值已使用当前密钥加密" in result.output
        result = runner.invoke(args=["keys", "retire", old.active.key_id])
        assert result.exit_code == 0, result.output
        assert "FIELD_KEYS=n3:" in result.output  # production: printed for the operator to deploy
    finally:
        app.extensions["dangjian.keyring"] = old


def test_demo_key_file_is_edited_in_place(tmp_path):
    from pathlib import Path

    from models import migrate
    from tests.conftest import build_app

    # No FIELD_KEYS: the demo generates instance/field_keys (here under tmp_path).
    app = build_app(f"sqlite:///{tmp_path}/k.db", FIELD_KEYS=None, INSTANCE_PATH=str(tmp_path / "instance"))
    assert app.config["FIELD_KEYS_FILE"] == str(tmp_path / "instance" / "field_keys")
    migrate.upgrade(app.extensions["dangjian.db"].engine)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["keys", "add", "--key-id", "k9"]).exit_code == 0
    text = Path(app.config["FIELD_KEYS_FILE"]).read_text()
    assert ",k9:" in text
    assert runner.invoke(args=["keys", "promote", "k9"]).exit_code == 0
    assert Path(app.config["FIELD_KEYS_FILE"]).read_text().startswith("k9:")


def test_a_retired_key_id_is_never_issued_again(tmp_path):
    """issue 16 item 8: after `keys retire k1`, `keys add` made a new, different k1 — a ciphertext
    tagged k1 could then meet the wrong key. The ring keeps `k1:retired` and refuses the id."""
    from pathlib import Path

    from models import migrate
    from settings import parse_field_keys
    from tests.conftest import build_app

    app = build_app(f"sqlite:///{tmp_path}/r.db", FIELD_KEYS=None, INSTANCE_PATH=str(tmp_path / "instance"))
    migrate.upgrade(app.extensions["dangjian.db"].engine)
    runner = app.test_cli_runner()
    first = app.extensions["dangjian.keyring"].active.key_id
    assert runner.invoke(args=["keys", "add"]).exit_code == 0
    second = app.extensions["dangjian.keyring"].keys[1].key_id
    assert runner.invoke(args=["keys", "promote", second]).exit_code == 0
    assert runner.invoke(args=["keys", "rotate"]).exit_code == 0
    retired = runner.invoke(args=["keys", "retire", first])
    assert retired.exit_code == 0, retired.output
    text = Path(app.config["FIELD_KEYS_FILE"]).read_text()
    assert f"{first}:retired" in text
    assert first in {k.key_id for k in parse_field_keys(text) if k.algorithm == "retired"}

    again = runner.invoke(args=["keys", "add", "--key-id", first])
    assert again.exit_code != 0 and "retired" in again.output
    fresh = runner.invoke(args=["keys", "add"])
    assert fresh.exit_code == 0
    ids = [k.key_id for k in app.extensions["dangjian.keyring"].keys]
    assert first not in ids and len(set(ids)) == len(ids)
    assert f"{first}:retired" in Path(app.config["FIELD_KEYS_FILE"]).read_text()  # remembered still


def test_the_ring_format_keeps_retired_ids_and_refuses_a_retired_active_key():
    from settings import format_field_keys, parse_field_keys

    ring = parse_field_keys("k2:" + "A" * 43 + "=,k1:retired")
    assert [k.algorithm for k in ring] == ["aes-256-gcm", "retired"]
    assert format_field_keys(ring).endswith(",k1:retired")
    assert Keyring(ring).all_ids == {"k1", "k2"} and Keyring(ring).get("k1") is None
    with pytest.raises(ValueError):
        parse_field_keys("k1:retired")
