"""Demand: from monthly counts to hourly arrivals per port and traffic class (to come)."""
