"""Configuration: the pinned names of DESIGN.md, parsed and validated in one place.

`load_settings()` is pure: it takes the environment as a mapping (app.py passes `os.environ`
merged over `.env`) and never reads the process environment itself. Every malformed value
fails at start with the variable's name, all problems at once, so an operator fixes them in
one pass.
"""

from __future__ import annotations

import base64
import re
import secrets
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

APP_ENVS = ("demo", "development", "test", "production")

#: WeCom values that make the demo work against the emulator; never valid for a real corp.
DEMO_WECOM = {
    "WECOM_CORP_ID": "wwdemo0000000000001",
    "WECOM_AGENT_ID": "1000002",
    "WECOM_SECRET": "demo-secret-for-the-local-wecom-emulator-only",
    "WECOM_TOKEN": "DangjianDemoToken",
    "WECOM_ENCODING_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
}

#: Settings that production must be given explicitly: generated or embedded fallbacks are
#: fine for a demo and fatal in a hospital (a lost FIELD_KEYS file means lost data).
REQUIRED_IN_PRODUCTION = (
    "SECRET_KEY",
    "FIELD_KEYS",
    "AUDIT_CHAIN_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    # A real corp's credentials: the demo values would only ever talk to the emulator.
    "WECOM_CORP_ID",
    "WECOM_AGENT_ID",
    "WECOM_SECRET",
    "WECOM_TOKEN",
    "WECOM_ENCODING_AES_KEY",
)


class ConfigError(Exception):
    """One or more settings are missing or malformed; the message names each variable."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("配置错误 / configuration error:\n  " + "\n  ".join(problems))


@dataclass(frozen=True)
class FieldKey:
    """One key of the field-encryption key ring."""

    key_id: str
    algorithm: str  #: "aes-256-gcm" or "sm4-gcm"
    secret: bytes

    def __repr__(self) -> str:  # never print key material, even in a traceback
        return f"FieldKey({self.key_id!r}, {self.algorithm!r}, <secret>)"


KEY_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
#: The "algorithm" of an id retired from the ring: no key, only the id, never to be reused.
RETIRED = "retired"
KEY_SIZES = {"aes-256-gcm": 32, "sm4-gcm": 16}


def parse_field_keys(value: str) -> list[FieldKey]:
    """Parse `id:base64key,…` (or `id:sm4:base64key` for the SM4-GCM profile, `id:retired` for an
    id retired from the ring); the first is active."""
    keys: list[FieldKey] = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        parts = item.split(":")
        if len(parts) == 2 and parts[1] == RETIRED:
            # A retired id stays in the ring without its key, so that it is never issued again.
            if not KEY_ID_RE.match(parts[0]) or any(k.key_id == parts[0] for k in keys):
                raise ValueError(f"retired key id {parts[0]!r} is malformed or appears twice")
            keys.append(FieldKey(parts[0], RETIRED, b""))
            continue
        if len(parts) == 2:
            key_id, algorithm, encoded = parts[0], "aes-256-gcm", parts[1]
        elif len(parts) == 3 and parts[1].lower() == "sm4":
            key_id, algorithm, encoded = parts[0], "sm4-gcm", parts[2]
        else:
            raise ValueError("each key must be id:base64key or id:sm4:base64key")
        secret = _key_material(key_id, encoded, "key")
        if len(secret) != KEY_SIZES[algorithm]:
            raise ValueError(f"key {key_id!r} must be {KEY_SIZES[algorithm]} bytes for {algorithm}")
        if any(k.key_id == key_id for k in keys):
            raise ValueError(f"key id {key_id!r} appears twice")
        keys.append(FieldKey(key_id, algorithm, secret))
    if not keys or keys[0].algorithm == RETIRED:
        raise ValueError("at least one key is required, and the first (active) one is not retired")
    return keys


def _key_material(key_id: str, encoded: str, what: str) -> bytes:
    """One ring entry's id checked and its base64 key decoded (FIELD_KEYS and AUDIT_CHAIN_KEY)."""
    if not KEY_ID_RE.match(key_id):
        raise ValueError(f"{what} id {key_id!r} must be 1-16 letters, digits, '_' or '-'")
    try:
        return base64.b64decode(encoded, validate=True)
    except ValueError:
        raise ValueError(f"{what} {key_id!r} is not valid base64") from None


@dataclass(frozen=True)
class ChainKey:
    """One HMAC key of the audit chain's ring (AUDIT_CHAIN_KEY): kept outside the database."""

    key_id: str
    secret: bytes

    def __repr__(self) -> str:  # never print key material
        return f"ChainKey({self.key_id!r}, <secret>)"


def parse_chain_keys(value: str) -> list[ChainKey]:
    """`id:base64key,…` (each key at least 32 bytes); the first signs new events, all verify."""
    keys: list[ChainKey] = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        key_id, _, encoded = item.partition(":")
        secret = _key_material(key_id, encoded, "audit key")
        if len(secret) < 32 or any(k.key_id == key_id for k in keys):
            raise ValueError(f"audit key {key_id!r} must be at least 32 bytes and appear once")
        keys.append(ChainKey(key_id, secret))
    if not keys:
        raise ValueError("at least one audit key is required")
    return keys


def format_chain_keys(keys: list[ChainKey]) -> str:
    return ",".join(f"{k.key_id}:{base64.b64encode(k.secret).decode()}" for k in keys)


def format_field_keys(keys: list[FieldKey]) -> str:
    """The inverse of parse_field_keys, for the instance file and `flask keys` output."""
    out = []
    for k in keys:
        encoded = base64.b64encode(k.secret).decode()
        if k.algorithm == RETIRED:
            out.append(f"{k.key_id}:{RETIRED}")
        else:
            out.append(f"{k.key_id}:sm4:{encoded}" if k.algorithm == "sm4-gcm" else f"{k.key_id}:{encoded}")
    return ",".join(out)


def new_field_key(key_id: str, algorithm: str = "aes-256-gcm") -> FieldKey:
    return FieldKey(key_id, algorithm, secrets.token_bytes(KEY_SIZES[algorithm]))


# --- parsers: each takes the raw string and returns the value or raises ValueError ---------


def _database_url(value: str) -> str:
    scheme = urlsplit(value).scheme
    if not scheme.startswith(("postgresql", "sqlite")):
        raise ValueError("must be a postgresql+psycopg:// or sqlite:/// URL")
    if scheme in ("postgresql", "postgres"):
        # Pin the driver we ship (psycopg 3) rather than SQLAlchemy's psycopg2 default.
        value = "postgresql+psycopg" + value[len(scheme) :]
    return value


def _redis_url(value: str) -> str:
    if urlsplit(value).scheme not in ("redis", "rediss", "unix"):
        raise ValueError("must be a redis://, rediss:// or unix:// URL")
    return value


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an http(s):// URL")
    return value.rstrip("/")


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return value

    return parse


def _int_range(low: int, high: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise ValueError("must be a whole number") from None
        if not low <= number <= high:
            raise ValueError(f"must be between {low} and {high}")
        return number

    return parse


def _flag(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
        raise ValueError("must be 1/0, true/false, yes/no or on/off")
    return lowered in ("1", "true", "yes", "on")


def _secret_key(value: str) -> str:
    if len(value) < 32:
        raise ValueError("must be at least 32 characters")
    return value


def _aes_key(value: str) -> str:
    # The callback EncodingAESKey is 43 base64 characters (32 bytes once '=' is appended).
    if not re.fullmatch(r"[A-Za-z0-9+/]{43}", value):
        raise ValueError("must be the 43-character EncodingAESKey from the WeCom admin console")
    return value


def _corp_id(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9]{6,32}", value):
        raise ValueError("must be the corp id from the WeCom admin console (e.g. ww…)")
    return value


def _agent_id(value: str) -> str:
    if not value.isdigit():
        raise ValueError("must be the numeric AgentId")
    return value


def _nonempty(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


@dataclass(frozen=True)
class Setting:
    name: str
    parse: Callable[[str], Any]
    default: Any = None
    doc: str = ""


SETTINGS: tuple[Setting, ...] = (
    Setting("APP_ENV", _choice(*APP_ENVS), "demo", "demo / development / test / production"),
    Setting("DATABASE_URL", _database_url, None, "SQLAlchemy URL"),
    Setting("REDIS_URL", _redis_url, None, "Redis URL; unset → in-process stand-in (demo only)"),
    Setting("SECRET_KEY", _secret_key, None, "Flask session signing"),
    Setting("FIELD_KEYS", parse_field_keys, None, "field-encryption key ring, first = active"),
    Setting("AUDIT_CHAIN_KEY", parse_chain_keys, None, "HMAC key ring of the audit chain, first = active"),
    Setting("AUDIT_ANCHOR_FILE", _nonempty, None, "append-only file the audit chain's daily anchors go to"),
    Setting("WECOM_CORP_ID", _corp_id, None, "corp id"),
    Setting("WECOM_AGENT_ID", _agent_id, None, "AgentId of the self-built app"),
    Setting("WECOM_SECRET", _nonempty, None, "app Secret"),
    Setting(
        "WECOM_CONTACT_SECRET",
        _nonempty,
        None,
        "通讯录同步 Secret for directory reads; unset → the app Secret, per department without user/list_id",
    ),
    Setting("WECOM_TOKEN", _nonempty, None, "callback Token"),
    Setting("WECOM_ENCODING_AES_KEY", _aes_key, None, "callback EncodingAESKey"),
    Setting("WECOM_API_BASE", _http_url, "https://qyapi.weixin.qq.com", "WeCom API root"),
    Setting("WECOM_OAUTH_BASE", _http_url, "https://open.weixin.qq.com", "OAuth authorize root"),
    Setting("WECOM_LOGIN_BASE", _http_url, "https://login.work.weixin.qq.com", "web (QR) login root"),
    Setting("WECOM_CALLBACK_WINDOW_SECONDS", _int_range(30, 3600), 600, "callback timestamp tolerance"),
    Setting("WECOM_EMULATOR", _flag, None, "serve the local WeCom emulator at /_emulator (never production)"),
    # Must exceed the sender job's timeout (120 s) in production: a claim this old means a dead sender.
    Setting("OUTBOX_CLAIM_TIMEOUT_SECONDS", _int_range(5, 3600), 300, "when a stuck send is retried"),
    Setting("OUTBOX_SENDER_THREADS", _int_range(1, 64), 16, "WeCom calls in flight per batch job"),
    Setting("PUBLIC_BASE_URL", _http_url, "http://127.0.0.1:5000", "the app's external URL"),
    Setting("SESSION_IDLE_MINUTES", _int_range(1, 24 * 60), 30, "idle timeout of a login session"),
    Setting("SESSION_ABSOLUTE_HOURS", _int_range(1, 24 * 7), 12, "absolute lifetime of a session"),
    # 网络安全法 art. 21: network logs are kept for at least six months.
    Setting("AUDIT_RETENTION_MONTHS", _int_range(6, 600), 12, "audit retention, never below 6"),
    Setting("LOG_LEVEL", _choice("DEBUG", "INFO", "WARNING", "ERROR"), "INFO", "log level"),
    Setting("MEDIA_DIR", _nonempty, None, "where lesson videos, audio, PDFs and covers are kept"),
)
SETTING_NAMES = frozenset(s.name for s in SETTINGS)


def load_settings(
    environ: Mapping[str, str], instance_path: Path, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Return the validated settings: defaults → environment → overrides.

    Overrides may be raw strings or already-typed values (tests pass them). Extra Flask
    settings such as TESTING pass through; a lower-case name is refused, so a misspelt
    setting cannot pass silently.
    """
    overrides = dict(overrides or {})
    problems: list[str] = []
    unknown = sorted(k for k in overrides if not k.isupper())
    problems += [f"{name}: unknown setting" for name in unknown]

    values: dict[str, Any] = {}
    explicit: set[str] = set()
    for setting in SETTINGS:
        if setting.name in overrides:
            raw: Any = overrides.pop(setting.name)
        elif environ.get(setting.name, "").strip():
            raw = environ[setting.name].strip()
        else:
            values[setting.name] = setting.default
            continue
        explicit.add(setting.name)
        if isinstance(raw, str):
            try:
                raw = setting.parse(raw)
            except ValueError as exc:
                problems.append(f"{setting.name}: {exc}")
                continue
        values[setting.name] = raw

    if values.get("APP_ENV") == "production":
        missing = [name for name in REQUIRED_IN_PRODUCTION if name not in explicit]
        problems += [f"{name}: must be set explicitly when APP_ENV=production" for name in missing]
        if values.get("WECOM_EMULATOR"):
            problems.append("WECOM_EMULATOR: the emulator must not run in production")
    if problems:
        raise ConfigError(problems)

    if values["WECOM_EMULATOR"] is None:
        values["WECOM_EMULATOR"] = values["APP_ENV"] == "demo"
    if values["WECOM_EMULATOR"]:
        # Point the app at its own local WeCom unless told otherwise.
        emulator = f"{values['PUBLIC_BASE_URL']}/_emulator"
        for name in ("WECOM_API_BASE", "WECOM_OAUTH_BASE", "WECOM_LOGIN_BASE"):
            if name not in explicit:
                values[name] = emulator

    if values["APP_ENV"] != "production":
        for name, demo_value in DEMO_WECOM.items():
            if values[name] is None:
                values[name] = demo_value
        if values["DATABASE_URL"] is None:
            values["DATABASE_URL"] = f"sqlite:///{instance_path / 'dangjian.db'}"
        if values["SECRET_KEY"] is None:
            values["SECRET_KEY"] = _instance_secret(instance_path / "secret_key", _new_secret_key)
        if values["FIELD_KEYS"] is None:
            values["FIELD_KEYS"] = parse_field_keys(
                _instance_secret(instance_path / "field_keys", _new_field_keys)
            )
            values["FIELD_KEYS_FILE"] = str(instance_path / "field_keys")
        if values["AUDIT_CHAIN_KEY"] is None:
            values["AUDIT_CHAIN_KEY"] = parse_chain_keys(
                _instance_secret(instance_path / "audit_chain_key", _new_chain_key)
            )

    if values["AUDIT_ANCHOR_FILE"] is None:
        values["AUDIT_ANCHOR_FILE"] = str(instance_path / "audit_anchors.log")
    if values["MEDIA_DIR"] is None:  # outside the web root in every environment
        values["MEDIA_DIR"] = str(instance_path / "media")
    values.setdefault("FIELD_KEYS_FILE", None)
    values.update(overrides)  # non-pinned extras (TESTING and the like) pass through
    return values


def _new_secret_key() -> str:
    return secrets.token_urlsafe(48)


def _new_chain_key() -> str:
    return format_chain_keys([ChainKey("a1", secrets.token_bytes(32))])


def _new_field_keys() -> str:
    return format_field_keys([new_field_key("k1")])


def _instance_secret(path: Path, generate: Callable[[], str]) -> str:
    """Read a generated secret from instance/, creating it (mode 0600) on first run."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = generate()
    # O_EXCL: two processes starting together must not write two different keys.
    try:
        fd = path.open("x")
    except FileExistsError:
        return path.read_text().strip()
    with fd:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
        fd.write(value + "\n")
    return value


def write_instance_field_keys(path: Path, keys: list[FieldKey]) -> None:
    """Replace the demo key file atomically (used by `flask keys add/promote/retire`)."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(format_field_keys(keys) + "\n")
    tmp.chmod(stat.S_IRUSR | stat.S_IWUSR)
    tmp.replace(path)
