"""former file names a feed's links still answer to for a grace period

Revision ID: 0009
Revises: 0003
Create Date: 2026-11-30 01:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feed_retired_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=210), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_feed_retired_names_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["feed_id"],
            ["feed_files.id"],
            name=op.f("fk_feed_retired_names_feed_id_feed_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_retired_names")),
        sa.UniqueConstraint(
            "feed_id", "file_name", name=op.f("uq_feed_retired_names_feed_id_file_name")
        ),
    )


def downgrade() -> None:
    op.drop_table("feed_retired_names")
