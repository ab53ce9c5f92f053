"""SimPy models for the kernel benchmark, written the idiomatic SimPy way.

``mmc_simpy``: M/M/c with ``simpy.Resource(capacity=c)`` and a generator process per
vehicle. ``port_simpy``: the same multi-lane port as the borderflow benchmark spec
(general + NEXUS + commercial lane groups, secondary inspection, least-expected-wait lane
choice as in docs/kernel-semantics.md). Random numbers come from :mod:`random`, the
fastest per-scalar source in pure Python.
"""

from __future__ import annotations

import random
from collections.abc import Generator, Sequence
from dataclasses import dataclass

import simpy


def mmc_simpy(
    arrival_rate_per_min: float, mean_service_min: float, servers: int, vehicles: int, seed: int
) -> tuple[float, int]:
    """Run M/M/c for ``vehicles`` arrivals until empty; return (mean wait [min], count)."""
    rng = random.Random(seed)
    env = simpy.Environment()
    booths = simpy.Resource(env, capacity=servers)
    total = [0.0, 0]

    def vehicle() -> Generator[simpy.Event, None, None]:
        arrived = env.now
        with booths.request() as req:
            yield req
            total[0] += env.now - arrived
            total[1] += 1
            yield env.timeout(rng.expovariate(1.0 / mean_service_min))

    def source() -> Generator[simpy.Event, None, None]:
        for _ in range(vehicles):
            yield env.timeout(rng.expovariate(arrival_rate_per_min))
            env.process(vehicle())

    env.process(source())
    env.run()
    return total[0] / total[1], total[1]


@dataclass(frozen=True)
class PortClass:
    """One traffic class of the benchmark port (rates vehicles/hour, times minutes)."""

    name: str
    rate_per_hour: float
    mean_service: dict[str, float]  # lane type -> mean exponential primary time
    referral: float
    mean_secondary: float


@dataclass(frozen=True)
class PortGroup:
    """One lane group: a lane type and a constant number of booths."""

    name: str
    lane_type: str
    booths: int


def port_simpy(
    classes: Sequence[PortClass],
    groups: Sequence[PortGroup],
    secondary_booths: int,
    vehicles: int,
    seed: int,
    choices: dict[tuple[str, str], int] | None = None,
) -> tuple[float, int]:
    """Multi-lane port with secondary inspection; return (mean primary wait [min], count).

    ``choices``, if given, counts the vehicles of each (class, lane type) chosen.

    Vehicles of each class arrive as a Poisson stream (merged here by drawing the class
    of each arrival with probability rate/total). On arrival a vehicle picks, among the
    groups whose lane type its class may use, the least expected wait
    max(0, in group − booths + 1) ÷ booths × class mean service, ties to the group
    eligible to the fewest classes, then the lower index; primary service is exponential;
    referred vehicles then queue FIFO for secondary inspection.
    """
    rng = random.Random(seed)
    env = simpy.Environment()
    resources = [simpy.Resource(env, capacity=g.booths) for g in groups]
    secondary = simpy.Resource(env, capacity=secondary_booths)
    specialisation = [sum(1 for c in classes if g.lane_type in c.mean_service) for g in groups]
    eligible = [
        [
            (specialisation[j], j, c.mean_service[g.lane_type] / g.booths, g.booths)
            for j, g in enumerate(groups)
            if g.lane_type in c.mean_service
        ]
        for c in classes
    ]
    total_rate = sum(c.rate_per_hour for c in classes) / 60.0
    cum: list[float] = []
    acc = 0.0
    for c in classes:
        acc += c.rate_per_hour / 60.0 / total_rate
        cum.append(acc)
    total = [0.0, 0]

    def vehicle(k: int) -> Generator[simpy.Event, None, None]:
        arrived = env.now
        best = min(
            eligible[k],
            key=lambda e: (
                max(0, len(resources[e[1]].queue) + resources[e[1]].count - e[3] + 1) * e[2],
                e[0],
                e[1],
            ),
        )
        j = best[1]
        cls = classes[k]
        if choices is not None:
            key = (cls.name, groups[j].lane_type)
            choices[key] = choices.get(key, 0) + 1
        with resources[j].request() as req:
            yield req
            total[0] += env.now - arrived
            total[1] += 1
            yield env.timeout(rng.expovariate(1.0 / cls.mean_service[groups[j].lane_type]))
        if rng.random() < cls.referral:
            with secondary.request() as req:
                yield req
                yield env.timeout(rng.expovariate(1.0 / cls.mean_secondary))

    def source() -> Generator[simpy.Event, None, None]:
        for _ in range(vehicles):
            yield env.timeout(rng.expovariate(total_rate))
            u = rng.random()
            k = 0
            while u > cum[k] and k < len(cum) - 1:
                k += 1
            env.process(vehicle(k))

    env.process(source())
    env.run()
    return total[0] / total[1], total[1]
