"""How an export is written: CSV files streamed into a zip or a directory, every cell safe from spreadsheets.

Rows are read in batches (`yield_per`) and written straight into the zip, so a team with years of daily
check-ins never sits in memory at once. Every text cell goes through `neutralise_cell` (no formulas).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy.orm import Session

from bot.domain.privacy import FORMULA_START, neutralise_cell

BATCH = 2000


@dataclass
class ExportReport:
    """What an export wrote: rows per file (for the audit record and the reply)."""

    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Rows in every file."""
        return sum(self.rows.values())

    def summary(self) -> str:
        """`checkins=12 answers=40 …`, for the audit record (counts, never content)."""
        return " ".join(f"{name.removesuffix('.csv')}={count}" for name, count in self.rows.items())


def _cell(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        return neutralise_cell(value) if value[:1] in FORMULA_START else value
    if kind is int or kind is float:
        return value
    if value is None:
        return ""
    if kind is bool:
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise_cell(str(value))


class CsvSink:
    """Where export files go: entries of a zip, or files in a directory (the CLI's team export)."""

    def __init__(self, *, zip_file: zipfile.ZipFile | None = None, directory: Path | None = None) -> None:
        self.zip_file = zip_file
        self.directory = directory
        self.report = ExportReport()

    def write(self, name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Write one CSV, row by row."""
        count = 0
        with self._open(name) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            writer = csv.writer(text)
            writer.writerow(header)
            for row in rows:
                # Plain text and integers (most cells) skip the call: a year of a team is a million cells.
                writer.writerow(
                    [
                        v if (t := type(v)) is int or (t is str and v[:1] not in FORMULA_START) else _cell(v)
                        for v in row
                    ]
                )
                count += 1
            text.flush()
            text.detach()
        self.report.rows[name] = count

    def write_query(self, session: Session, name: str, header: Sequence[str], query: Any) -> None:
        """Write one CSV of a query's rows, streamed from the database a batch at a time."""
        self.write(name, header, stream_rows(session, query))

    def _open(self, name: str) -> IO[bytes]:
        if self.zip_file is not None:
            return self.zip_file.open(name, "w", force_zip64=True)
        assert self.directory is not None
        return (self.directory / name).open("wb")


def stream_rows(session: Session, query: Any) -> Iterator[Any]:
    """A query's rows, a batch at a time, through the session's own transaction."""
    # Core rows through the session's connection (same transaction, no ORM row processing), fetched a
    # batch at a time: a server-side cursor on PostgreSQL, fetchmany on SQLite.
    # (Options given per statement: set on the connection they would stay for the session's later writes.)
    result = session.connection().execute(
        query, execution_options={"stream_results": True, "yield_per": BATCH}
    )
    for partition in result.partitions():
        yield from partition


def export_zip(out: IO[bytes] | Path, write: Any) -> ExportReport:
    """Run `write(sink)` into a new zip at `out` (a path or a writable binary file)."""
    # Level 1: CSV text still shrinks about tenfold, at a third of the default level's CPU.
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        sink = CsvSink(zip_file=archive)
        write(sink=sink)
        archive.writestr("README.txt", EXPORT_README)
    return sink.report


def export_directory(directory: Path, write: Any) -> ExportReport:
    """Run `write(sink)` into CSV files in `directory` (created if missing)."""
    directory.mkdir(parents=True, exist_ok=True)
    sink = CsvSink(directory=directory)
    write(sink=sink)
    return sink.report


EXPORT_README = """Stretch export

One CSV file per kind of record, UTF-8, comma separated, first line the column names.
Dates are local calendar dates; times are UTC (ISO 8601). Money is in minor units (cents) of the
currency column. A text cell that starts with = + - or @ is prefixed with ' so no spreadsheet runs it
as a formula.
"""
