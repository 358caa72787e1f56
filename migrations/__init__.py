"""Alembic migrations: the schema's source of truth (shipped with the package so `stretch db` finds them)."""
