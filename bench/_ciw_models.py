"""M/M/c in Ciw, written the way Ciw's documentation does it (for the kernel benchmark)."""

from __future__ import annotations

import ciw


def mmc_ciw(
    arrival_rate_per_min: float, mean_service_min: float, servers: int, vehicles: int, seed: int
) -> tuple[float, int]:
    """Run M/M/c until ``vehicles`` have completed; return (mean wait in queue [min], count).

    Ciw's random numbers are global (``ciw.seed``); that is Ciw's design, not ours.
    """
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=arrival_rate_per_min)],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / mean_service_min)],
        number_of_servers=[servers],
    )
    ciw.seed(seed)
    sim = ciw.Simulation(network)
    sim.simulate_until_max_customers(vehicles, method="Finish")
    waits = [r.waiting_time for r in sim.get_all_records()]
    return sum(waits) / len(waits), len(waits)
