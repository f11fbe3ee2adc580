"""CSV exports streamed a few hundred rows at a time: UTF-8 with a BOM (so Excel opens it), header first."""
from __future__ import annotations

import csv
import io
from typing import Callable, Iterable, Iterator


def csv_chunks(header: list[str], rows: Iterable[list], format_row: Callable[[list], list], *,
               rows_per_chunk: int = 500) -> Iterator[bytes]:
    """Yield the header line, then each row as `format_row` writes it, in chunks of bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(header)
    for n, row in enumerate(rows, start=1):
        writer.writerow(format_row(row))
        if n % rows_per_chunk == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
