"""feed builds: the build under way, failures in a row and the next retry;
users: the session epoch (sign-out and a new password end sessions server-side)

Revision ID: 0007
Revises: 0003
Create Date: 2026-11-30 01:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feed_builds") as batch:
        batch.add_column(sa.Column("building_key", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("building_since", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("failures", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("session_epoch", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_epoch")
    with op.batch_alter_table("feed_builds") as batch:
        batch.drop_column("retry_at")
        batch.drop_column("failures")
        batch.drop_column("building_since")
        batch.drop_column("building_key")
