"""Compatibility alias of :mod:`borderflow.data._errors` (import from ``borderflow.data``)."""

from borderflow.data._errors import DataFormatError, WarehouseBusyError, WarehouseMissingError

__all__ = ["DataFormatError", "WarehouseBusyError", "WarehouseMissingError"]
