"""Shipped calibrations: capacity fitted to measured delays (``data/calibration/``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from borderflow._config import shipped_data_dir
from borderflow.data._errors import DataFormatError

#: Shipped calibration files by registry crossing id.
CALIBRATION_FILES: dict[str, str] = {"3005": "calibration/peace-arch.json"}


def read_calibration(crossing_id: str, data_dir: Path | None = None) -> dict[str, Any] | None:
    """Return the shipped calibration record of a crossing, ``None`` if it has none.

    Parameters
    ----------
    crossing_id
        Registry crossing id (``"3005"`` Peace Arch is the only one with wait data).
    data_dir
        The shipped data folder (default :func:`borderflow.shipped_data_dir`).

    Raises
    ------
    DataFormatError
        If the file exists but is not the JSON record ``tools/validate_calibration.py``
        writes.
    """
    rel = CALIBRATION_FILES.get(crossing_id)
    if rel is None:
        return None
    path = (data_dir or shipped_data_dir()) / rel
    if not path.exists():
        return None
    try:
        record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFormatError(path, f"not a calibration record: {exc}") from None
    for key in ("southbound", "northbound"):
        if key not in record:
            raise DataFormatError(path, f"calibration record lacks {key!r}")
    return record


__all__ = ["CALIBRATION_FILES", "read_calibration"]
