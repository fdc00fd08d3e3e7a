"""The unit of work at the edges: commit on success, roll back on error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed if the block succeeds, rolled back if it raises.

    Services only flush; this (or the web request dependency) is the one place
    that commits, so a multi-step write is all or nothing.
    """
    with factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
