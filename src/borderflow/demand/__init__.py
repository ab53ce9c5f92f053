"""Demand: from monthly counts to arrivals per port, direction, class and hour; forecasts.

Public API: the split rule (:func:`split_shares`, one BTS port code's traffic shared among
its crossings) and peak-hour demand (:func:`peak_hour_demand`).
"""

from borderflow.demand._peak import PEAK_HOUR_FACTOR, PeakHourDemand, peak_hour_demand
from borderflow.demand._split import SPLIT_RULE, SplitShare, split_shares

__all__ = [
    "PEAK_HOUR_FACTOR",
    "SPLIT_RULE",
    "PeakHourDemand",
    "SplitShare",
    "peak_hour_demand",
    "split_shares",
]
