"""Planning: what-if scenarios, staffing optimiser, parameter sweeps (to come)."""
