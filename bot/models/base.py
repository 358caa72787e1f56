"""The declarative base and the column types every table shares (aware UTC datetimes, naming)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from sqlalchemy import DateTime, ForeignKey, MetaData
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite hands back naive values otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Base class of every Stretch table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


# The column shapes most tables share (`id: Mapped[Id]`). A mapped_column() on the right still adds to
# them (`person_id: Mapped[PersonId] = mapped_column(index=True)`); each use gets its own copy.
Id = Annotated[int, mapped_column(primary_key=True)]
TeamId = Annotated[int, mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))]
PersonId = Annotated[int, mapped_column(ForeignKey("people.id", ondelete="CASCADE"))]
PieId = Annotated[int, mapped_column(ForeignKey("pies.id", ondelete="CASCADE"))]
# A table with one row per team (its settings): the team's id is the key.
TeamKey = Annotated[int, mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)]
# A person the row remembers (who acted, who owns it): the row stays, and forgets them, when they go.
PersonRef = Annotated[int | None, mapped_column(ForeignKey("people.id", ondelete="SET NULL"), default=None)]
