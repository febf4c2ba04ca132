"""configurable venues: the office keeps campuses and venues in the console and the API. A venue
carries its address, whether its geofence is on, and when it was retired (a venue meetings used is
never deleted); a campus may carry an offline map and the GCJ-02 box it shows.

Venues the seed gave a radius keep checking it (geofence_on set where a radius exists).

Revision ID: f1a7c3d9e842
Revises: e5b2d9a41c07
Create Date: 2026-12-01 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "f1a7c3d9e842"
down_revision = "e5b2d9a41c07"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("venue") as batch:
        batch.add_column(sa.Column("geofence_on", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("address", sa.String(200), nullable=True))
        batch.add_column(sa.Column("retired_at", models.base.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE venue SET geofence_on = true WHERE geofence_radius_m IS NOT NULL")
    with op.batch_alter_table("campus") as batch:
        batch.add_column(sa.Column("map_attachment_id", sa.Uuid(), nullable=True))
        for edge in ("map_north", "map_south", "map_west", "map_east"):
            batch.add_column(sa.Column(edge, sa.Numeric(9, 6), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("campus") as batch:
        for edge in ("map_north", "map_south", "map_west", "map_east", "map_attachment_id"):
            batch.drop_column(edge)
    with op.batch_alter_table("venue") as batch:
        for column in ("retired_at", "address", "geofence_on"):
            batch.drop_column(column)
