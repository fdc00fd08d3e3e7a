"""feed output options and stock shaping

Revision ID: 0006
Revises: 0003
Create Date: 2026-11-30 01:00:00.000000

Every new column has a server default (or is nullable) that gives the files
made before it today's bytes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_CHECKS = {
    "encoding_known": "encoding IN ('utf-8', 'utf-8-sig', 'cp1251', 'cp1252')",
    "decimal_separator_known": "decimal_separator IN ('point', 'comma')",
    "line_breaks_known": "line_breaks IN ('keep', 'space')",
    "stock_buffer_positive": "stock_buffer IS NULL OR stock_buffer >= 0",
    "stock_max_positive": "stock_max IS NULL OR stock_max >= 0",
}


def upgrade() -> None:
    with op.batch_alter_table("feed_files", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("encoding", sa.String(length=10), server_default="utf-8", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "decimal_separator", sa.String(length=10), server_default="point", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column("line_breaks", sa.String(length=10), server_default="keep", nullable=False)
        )
        batch_op.add_column(
            sa.Column("formula_protection", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("stock_buffer", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("stock_max", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "round_quantities_down", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch_op.add_column(
            sa.Column(
                "negative_stock_as_zero", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch_op.add_column(
            sa.Column(
                "availability_in_stock",
                sa.String(length=100),
                server_default="in stock",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "availability_out_of_stock",
                sa.String(length=100),
                server_default="out of stock",
                nullable=False,
            )
        )
        for name, condition in _CHECKS.items():
            batch_op.create_check_constraint(op.f(f"ck_feed_files_{name}"), condition)


def downgrade() -> None:
    with op.batch_alter_table("feed_files", schema=None) as batch_op:
        for name in _CHECKS:
            batch_op.drop_constraint(op.f(f"ck_feed_files_{name}"), type_="check")
        for column in (
            "availability_out_of_stock",
            "availability_in_stock",
            "negative_stock_as_zero",
            "round_quantities_down",
            "stock_max",
            "stock_buffer",
            "formula_protection",
            "line_breaks",
            "decimal_separator",
            "encoding",
        ):
            batch_op.drop_column(column)
