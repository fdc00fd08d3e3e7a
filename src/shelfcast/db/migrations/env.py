"""Alembic environment: runs against the URL given in the config (see shelfcast.db.migrate)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from shelfcast.db.engine import make_engine
from shelfcast.db.models import Base

config = context.config
target_metadata = Base.metadata


def _ours(name: str | None, type_: str, parent_names: object) -> bool:
    """procrastinate's tables (build jobs on PostgreSQL, publish/jobs.py) are its own,
    created and upgraded by it: autogenerate and ``alembic check`` leave them alone."""
    return not (type_ == "table" and name is not None and name.startswith("procrastinate_"))


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=_ours,
    )
    with context.begin_transaction():
        context.run_migrations()
    if connection.in_transaction():
        connection.commit()


run_migrations_online()
