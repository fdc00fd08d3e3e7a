"""the web UI's language: per user (chosen in the menu) and per account (the default)

Revision ID: 0011
Revises: 0009
Create Date: 2026-11-30 01:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

LANGUAGES = ("en", "fr", "uk")


def _language(name: str) -> sa.Enum:
    return sa.Enum(*LANGUAGES, name=name, native_enum=False, create_constraint=True, length=8)


def upgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "default_language",
                _language("default_language"),
                server_default="en",
                nullable=False,
            )
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", _language("language"), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("default_language")
