"""Errors raised by the data layer."""

from __future__ import annotations

from pathlib import Path

__all__ = ["DataFormatError", "WarehouseBusyError", "WarehouseMissingError"]


class DataFormatError(ValueError):
    """A source file cannot be read as the data it should hold.

    The message names the file, and where known the 1-based line (header = line 1), the
    column and the offending value, so the user can open the file at the right place.

    Parameters
    ----------
    path
        The file that was being read.
    problem
        What is wrong, in words.
    line
        1-based line number in the decompressed text (the header is line 1), if known.
    column
        Column name as written in the file's header, if the problem is in one column.
    value
        The offending value, if any.
    """

    def __init__(
        self,
        path: Path | str,
        problem: str,
        *,
        line: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.problem = problem
        self.line = line
        self.column = column
        self.value = value
        where = [str(self.path)]
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column!r}")
        text = ", ".join(where) + f": {problem}"
        if value is not None:
            shown = value if len(value) <= 60 else value[:57] + "..."
            text += f" (value {shown!r})"
        super().__init__(text)


class WarehouseMissingError(FileNotFoundError):
    """The DuckDB warehouse file does not exist yet."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"no borderflow database at {path}: run `borderflow load` first "
            "(or pass --db / set BORDERFLOW_DB)"
        )


class WarehouseBusyError(RuntimeError):
    """Another load or update is writing the same warehouse right now."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"another `borderflow load` is writing {path} (lock file {path.name}.lock); "
            "wait for it to finish and try again"
        )
