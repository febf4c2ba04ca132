"""Settings shared by the configuration tests."""

from __future__ import annotations

PRODUCTION_MINIMUM = {
    "APP_ENV": "production",
    "SECRET_KEY": "s" * 40,
    "FIELD_KEYS": "k1:" + "A" * 43 + "=",
    "AUDIT_CHAIN_KEY": "a1:" + "B" * 43 + "=",
    "DATABASE_URL": "postgresql://dj@db/dangjian",
    "REDIS_URL": "redis://cache:6379/0",
    "WECOM_CORP_ID": "ww1436e0e65a779aee",
    "WECOM_AGENT_ID": "1000002",
    "WECOM_SECRET": "real-secret",
    "WECOM_TOKEN": "RealToken",
    "WECOM_ENCODING_AES_KEY": "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
}
