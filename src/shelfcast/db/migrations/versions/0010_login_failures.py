"""failed sign-ins, counted in the database so the limit holds across workers

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 02:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index("ix_login_failures_failed_at", ["failed_at"], unique=False)
        batch_op.create_index(
            "ix_login_failures_key_hash_failed_at", ["key_hash", "failed_at"], unique=False
        )


def downgrade() -> None:
    op.drop_table("login_failures")
