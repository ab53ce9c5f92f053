"""Per-vehicle output of one replication, as both engines must produce it."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
Int32Array: TypeAlias = npt.NDArray[np.int32]
BoolArray: TypeAlias = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class StaffingChanges:
    """Changes of the open-booth count of queue-triggered groups, in event order.

    One row per single step (+1 or -1): after the step, group ``group[i]`` has ``open[i]``
    booths open from ``time_min[i]`` on. Every queue-triggered group starts at its
    ``min_booths`` at t = 0 (not listed). Scheduled groups are not listed (their counts
    are known from the spec).
    """

    time_min: FloatArray
    group: IntArray
    open: IntArray

    @staticmethod
    def empty() -> StaffingChanges:
        """No changes."""
        return StaffingChanges(
            np.zeros(0, dtype=np.float64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        )

    def __len__(self) -> int:
        return int(self.time_min.shape[0])

    def equals(self, other: StaffingChanges) -> bool:
        """Exact equality of all three columns."""
        return (
            np.array_equal(self.time_min, other.time_min)
            and np.array_equal(self.group, other.group)
            and np.array_equal(self.open, other.open)
        )


@dataclass(frozen=True, eq=False)
class VehicleRecords:
    """What happened to every vehicle of one replication (vehicles in draw order).

    Attributes
    ----------
    arrival_min : ndarray of float64
        Arrival time [minutes].
    class_index : ndarray of int32
        Traffic class index.
    group_index : ndarray of int64
        Lane group joined.
    booth_index : ndarray of int64
        Primary booth (lowest free index at the start); -1 if never started.
    start_min : ndarray of float64
        Start of primary service [minutes]; NaN if never started (``drain=False``).
    end_min : ndarray of float64
        End of primary service [minutes]; NaN if never started.
    referred : ndarray of bool
        Referred to secondary inspection.
    secondary_start_min, secondary_end_min : ndarray of float64
        Secondary service [minutes]; NaN if not referred or not started.
    staffing_changes : StaffingChanges
        Open-booth path of queue-triggered groups.
    """

    arrival_min: FloatArray
    class_index: Int32Array
    group_index: IntArray
    booth_index: IntArray
    start_min: FloatArray
    end_min: FloatArray
    referred: BoolArray
    secondary_start_min: FloatArray
    secondary_end_min: FloatArray
    staffing_changes: StaffingChanges

    @property
    def n(self) -> int:
        """Number of vehicles."""
        return int(self.arrival_min.shape[0])

    @property
    def wait_min(self) -> FloatArray:
        """Queue time before primary inspection [minutes]; NaN if never started."""
        return self.start_min - self.arrival_min

    @property
    def secondary_wait_min(self) -> FloatArray:
        """Queue time before secondary inspection [minutes]; NaN if not applicable."""
        return self.secondary_start_min - self.end_min

    @property
    def waiting_at_end(self) -> BoolArray:
        """Vehicles that never started primary service (only with ``drain=False``)."""
        return np.isnan(self.start_min)

    def mismatches(self, other: VehicleRecords) -> list[str]:
        """Names of the fields that differ (exact equality, NaN equal to NaN)."""
        bad: list[str] = []
        for f in fields(self):
            a = getattr(self, f.name)
            b = getattr(other, f.name)
            if isinstance(a, StaffingChanges):
                if not a.equals(b):
                    bad.append(f.name)
            elif a.shape != b.shape or not np.array_equal(
                a, b, equal_nan=bool(a.dtype.kind == "f")
            ):
                bad.append(f.name)
        return bad


__all__ = ["StaffingChanges", "VehicleRecords"]
