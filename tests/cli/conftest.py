"""CLI fixtures: the small wait models of the demand tests, shared here."""

from tests.demand.conftest import (  # noqa: F401  (fixtures)
    daily_shipped,
    hourly_shipped,
    small_daily_model,
    small_hourly_model,
)
