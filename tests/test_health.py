"""GET /healthz: 200 with database and Redis status, 503 naming what is down."""

from tests.conftest import build_app


def test_healthy(app):
    # No db_session fixture here: its open transaction would hold SQLite's write lock, and the
    # health check deliberately uses a connection of its own.
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "ok"}


def test_database_down_is_503_naming_it(tmp_path):
    app = build_app("postgresql+psycopg://nobody:secret-pw@127.0.0.1:1/none")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "down" and response.json["redis"] == "ok"
    assert "数据库" in response.json["message"]
    assert "secret-pw" not in response.get_data(as_text=True)


def test_redis_down_is_503_naming_it(tmp_path):
    app = build_app(f"sqlite:///{tmp_path}/h.db", REDIS_URL="redis://:secret-pw@127.0.0.1:1/0")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["redis"] == "down" and "Redis" in response.json["message"]
    assert "secret-pw" not in response.get_data(as_text=True)


def test_security_headers_and_chinese_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_request_logs_never_carry_tokens_or_secrets(app):
    import logging

    from web.security import RedactSecrets

    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '%s - - "%s" %s',
        ("127.0.0.1", "GET /_emulator/cgi-bin/gettoken?corpid=ww1&corpsecret=TOPSECRET HTTP/1.1", "200"),
        None,
    )
    RedactSecrets().filter(record)
    assert "TOPSECRET" not in record.getMessage() and "corpsecret=***" in record.getMessage()
    record = logging.LogRecord(
        "werkzeug", logging.INFO, __file__, 1, "POST /cgi-bin/message/send?access_token=abc.def", (), None
    )
    RedactSecrets().filter(record)
    assert "abc.def" not in record.getMessage()
    assert any(isinstance(f, RedactSecrets) for f in logging.getLogger("werkzeug").filters)
