"""feed tools: presets, the publish guard, build history, the fetch log's time index

Revision ID: 0008
Revises: 0003
Create Date: 2026-11-30 01:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feed_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("preset", sa.String(length=50), nullable=True))
        batch_op.add_column(
            sa.Column("publish_guard_percent", sa.Integer(), server_default="50", nullable=False)
        )
    with op.batch_alter_table("feed_builds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("held_key", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("held_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("held_rows", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("held_bytes", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("held_reason", sa.Text(), nullable=True))
    op.create_table(
        "feed_build_history",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Double(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=True),
        sa.Column("bytes", sa.BigInteger(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_feed_build_history_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["feed_id"],
            ["feed_files.id"],
            name=op.f("fk_feed_build_history_feed_id_feed_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_build_history")),
    )
    with op.batch_alter_table("feed_build_history", schema=None) as batch_op:
        batch_op.create_index("ix_feed_build_history_feed_id_at", ["feed_id", "at"], unique=False)
    with op.batch_alter_table("fetches", schema=None) as batch_op:
        batch_op.create_index("ix_fetches_at", ["at"], unique=False)
    op.create_table(
        "fetch_days",
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("not_modified", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("first_ok_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_ok_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_fetch_days_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["feed_id"],
            ["feed_files.id"],
            name=op.f("fk_fetch_days_feed_id_feed_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("feed_id", "day", name=op.f("pk_fetch_days")),
    )
    op.create_table(
        "fetch_clients",
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("user_agent", sa.String(length=500), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_fetch_clients_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["feed_id"],
            ["feed_files.id"],
            name=op.f("fk_fetch_clients_feed_id_feed_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("feed_id", "user_agent", "client", name=op.f("pk_fetch_clients")),
    )


def downgrade() -> None:
    op.drop_table("fetch_clients")
    op.drop_table("fetch_days")
    with op.batch_alter_table("fetches", schema=None) as batch_op:
        batch_op.drop_index("ix_fetches_at")
    with op.batch_alter_table("feed_build_history", schema=None) as batch_op:
        batch_op.drop_index("ix_feed_build_history_feed_id_at")
    op.drop_table("feed_build_history")
    with op.batch_alter_table("feed_builds", schema=None) as batch_op:
        for name in ("held_reason", "held_bytes", "held_rows", "held_at", "held_key"):
            batch_op.drop_column(name)
    with op.batch_alter_table("feed_files", schema=None) as batch_op:
        batch_op.drop_column("publish_guard_percent")
        batch_op.drop_column("preset")
