"""Configuration: pinned names, validation with the variable's name, generated demo secrets."""

import stat

import pytest

from app import create_app
from settings import ConfigError, load_settings, parse_field_keys
from tests.helpers.config import PRODUCTION_MINIMUM


def test_production_refuses_to_start_naming_each_missing_setting(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_settings({"APP_ENV": "production"}, tmp_path)
    message = str(error.value)
    for name in ("SECRET_KEY", "FIELD_KEYS", "DATABASE_URL", "REDIS_URL", "WECOM_SECRET", "WECOM_TOKEN"):
        assert f"{name}: must be set explicitly" in message
    assert not (tmp_path / "secret_key").exists(), "production must not generate secrets"


def test_production_starts_with_explicit_settings(tmp_path):
    settings = load_settings(PRODUCTION_MINIMUM, tmp_path)
    assert settings["DATABASE_URL"] == "postgresql+psycopg://dj@db/dangjian"
    assert settings["FIELD_KEYS"][0].key_id == "k1"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("APP_ENV", "prod"),
        ("FIELD_KEYS", "k1:not-base64!"),
        ("FIELD_KEYS", "k1:" + "QUJD"),  # 3 bytes, not 32
        ("DATABASE_URL", "mysql://x/y"),
        ("REDIS_URL", "http://x"),
        ("AUDIT_RETENTION_MONTHS", "3"),  # 网络安全法 art. 21: never below 6
        ("SESSION_IDLE_MINUTES", "ten"),
        ("WECOM_ENCODING_AES_KEY", "tooshort"),
        ("WECOM_AGENT_ID", "abc"),
        ("PUBLIC_BASE_URL", "ftp://x"),
    ],
)
def test_malformed_values_fail_with_the_variable_name(tmp_path, name, value):
    with pytest.raises(ConfigError) as error:
        load_settings({name: value}, tmp_path)
    assert error.value.problems[0].startswith(f"{name}: ")


def test_unknown_override_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="databse_url: unknown setting"):
        load_settings({}, tmp_path, {"databse_url": "x"})


def test_demo_generates_secrets_once_into_instance_with_mode_0600(tmp_path):
    first = load_settings({}, tmp_path)
    second = load_settings({}, tmp_path)
    assert first["SECRET_KEY"] == second["SECRET_KEY"] and len(first["SECRET_KEY"]) >= 32
    assert first["FIELD_KEYS"] == second["FIELD_KEYS"]
    for name in ("secret_key", "field_keys"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    assert first["DATABASE_URL"].startswith("sqlite:///")
    assert first["WECOM_CORP_ID"].startswith("ww")


def test_key_material_never_appears_in_repr():
    keys = parse_field_keys("k1:" + "A" * 43 + "=")
    assert "AAAA" not in repr(keys)


def test_sm4_keys_are_accepted_and_the_app_starts(tmp_path):
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "FIELD_KEYS": "s1:sm4:" + "A" * 22 + "=="}
    )
    assert app.extensions["dangjian.keyring"].active.algorithm == "sm4-gcm"


def test_api_tokens_are_created_once_hashed_and_scoped(runner, db_session):
    from sqlalchemy import select

    from handlers.api_tokens import authenticate
    from models import ApiToken

    result = runner.invoke(args=["api", "create-token", "--name", "HR", "--role", "committee_office"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    token = db_session.scalars(select(ApiToken).where(ApiToken.name == "HR")).one()
    assert secret not in token.token_hash and token.token_prefix == secret[:10]
    actor = authenticate(db_session, secret)
    assert actor.kind == "api_token" and actor.grants[0].org_path is None
    assert authenticate(db_session, secret[:-1] + "x") is None
    bad = runner.invoke(args=["api", "create-token", "--name", "X", "--role", "secretary", "--org", "NOPE"])
    assert bad.exit_code != 0 and "NOPE" in bad.output
    # Revocable by the visible prefix; the row stays (listed as revoked) and the secret stops working.
    listed = runner.invoke(args=["api", "list-tokens"])
    assert (
        token.token_prefix in listed.output
        and "从未使用" not in listed.output
        and secret not in listed.output
    )
    revoked = runner.invoke(args=["api", "revoke-token", token.token_prefix])
    assert revoked.exit_code == 0, revoked.output
    db_session.expire_all()  # the CLI committed in its own session
    assert authenticate(db_session, secret) is None
    assert "已吊销" in runner.invoke(args=["api", "list-tokens"]).output
    assert runner.invoke(args=["api", "revoke-token", "dj_nothing"]).exit_code != 0


@pytest.mark.skipif(not __import__("os").environ.get("TEST_REDIS_URL"), reason="needs a real Redis")
def test_redis_durability_is_checked():
    from redis import Redis

    from jobs import redis_durability_warnings
    from tests.conftest import TEST_REDIS_URL

    redis = Redis.from_url(TEST_REDIS_URL)
    appendonly = redis.config_get("appendonly")["appendonly"]
    warnings = redis_durability_warnings(redis)
    assert any("append-only" in w for w in warnings) == (appendonly != "yes")
