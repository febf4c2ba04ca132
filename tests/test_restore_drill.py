"""The restore drill end to end on PostgreSQL (issue 16 item 10): seed the demo hospital, write
the backup manifest, pg_dump, restore into a new schema, and `flask restore check` it — rows,
audit chain and every encrypted value; then the same check with a key ring missing the key
reports the failures by column (never a value)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import create_engine, text

from demo import seed_demo
from models import migrate
from settings import format_field_keys, new_field_key, parse_field_keys
from tests.conftest import TEST_DATABASE_URL, _schema_url, build_app, needs_postgresql

pytestmark = [
    needs_postgresql,
    pytest.mark.skipif(
        shutil.which("pg_dump") is None or shutil.which("psql") is None, reason="needs pg tools"
    ),
]


def _schema_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["options"][0].split("=", 1)[1]


def test_a_restored_copy_of_the_demo_passes_and_a_missing_key_is_reported_by_column(
    make_database_url, tmp_path
):
    source_url = make_database_url("drill")
    source = build_app(source_url)
    migrate.upgrade(source.extensions["dangjian.db"].engine)
    with source.app_context(), source.extensions["dangjian.db"].unit_of_work() as session:
        seed_demo(session)
    manifest = tmp_path / "manifest.json"
    written = source.test_cli_runner().invoke(args=["backup", "manifest", "--output", str(manifest)])
    assert written.exit_code == 0, written.output
    assert json.loads(manifest.read_text())["tables"]["person"] > 500

    # pg_dump the schema, and restore it as another one (as into a new server).
    schema = _schema_of(source_url)
    target = schema.replace("drill", "restored")
    admin_url = TEST_DATABASE_URL.replace("postgresql+psycopg://", "postgresql://")
    parts = urlsplit(admin_url)
    connect = [
        "-h",
        parts.hostname or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        parts.username or "postgres",
    ]
    dump = subprocess.run(
        ["pg_dump", *connect, "-n", schema, "--no-owner", parts.path.lstrip("/")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    restored_sql = tmp_path / "restored.sql"
    restored_sql.write_text(re.sub(rf"\b{re.escape(schema)}\b", target, dump))
    subprocess.run(
        ["psql", *connect, "-v", "ON_ERROR_STOP=1", "-q", "-f", str(restored_sql), parts.path.lstrip("/")],
        capture_output=True,
        text=True,
        check=True,
    )
    restored_url = _schema_url(source_url.split("?")[0], target)
    try:
        restored = build_app(restored_url)
        checked = restored.test_cli_runner().invoke(args=["restore", "check", "--manifest", str(manifest)])
        assert checked.exit_code == 0, checked.output
        assert "恢复核对通过" in checked.output and "表行数：与清单一致" in checked.output
        assert "失败 0 个" in checked.output

        keyless = build_app(
            restored_url, FIELD_KEYS=parse_field_keys(format_field_keys([new_field_key("z9")]))
        )
        refused = keyless.test_cli_runner().invoke(args=["restore", "check", "--manifest", str(manifest)])
        assert refused.exit_code != 0
        assert "person.id_number：" in refused.output and "person.mobile：" in refused.output
        with source.app_context(), source.extensions["dangjian.db"].unit_of_work() as session:
            some_mobile = session.execute(text("SELECT mobile_ciphertext FROM person LIMIT 1")).scalar()
        assert some_mobile and some_mobile not in refused.output
    finally:
        engine = create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://"))
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{target}" CASCADE'))
        engine.dispose()
