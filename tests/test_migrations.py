"""Models and migrations agree, and there is exactly one head (redash's test_migrations)."""

from models import migrate


def test_single_head():
    assert len(migrate.heads()) == 1


def test_migrated_schema_matches_models(app):
    with app.extensions["dangjian.db"].engine.connect() as connection:
        assert migrate.drift(connection) == []


def test_migration_files_are_date_prefixed_with_real_messages():
    for path in (migrate.MIGRATIONS / "versions").glob("*.py"):
        assert path.name[:11].replace("_", "").isdigit(), path.name
        assert "empty_message" not in path.name
        first_line = path.read_text().splitlines()[0]
        assert len(first_line.strip('"')) > 10, f"{path.name} needs a real message"
