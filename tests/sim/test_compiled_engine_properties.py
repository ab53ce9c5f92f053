"""Hypothesis: the fast engine equals the reference engine on random specifications, and
adding a booth to a single FIFO group never raises any vehicle's wait (common random
numbers)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from borderflow.sim import (
    CHOICE_RULES,
    BoothSchedule,
    Deterministic,
    Distribution,
    Empirical,
    Erlang,
    Exponential,
    InitialQueue,
    LaneGroup,
    PortSpec,
    QueueTrigger,
    Secondary,
    TrafficClass,
    VehicleRecords,
    draw_vehicles,
)
from borderflow.sim._compiled import compile_port, run_compiled
from borderflow.sim._reference import run_reference

LANES = ("general", "nexus", "commercial")
# Deterministic times and arrivals on a 5-minute grid make ties at hour boundaries, between
# completions and arrivals, and between completions of different groups common.
GRID_TIMES = (2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 60.0)


@st.composite
def distributions(draw: st.DrawFn) -> Distribution:
    kind = draw(st.sampled_from(("det", "det", "exp", "erlang", "empirical")))
    if kind == "det":
        return Deterministic(draw(st.sampled_from(GRID_TIMES)))
    if kind == "exp":
        return Exponential(draw(st.sampled_from((0.5, 1.0, 3.0, 8.0))))
    if kind == "erlang":
        return Erlang(draw(st.integers(1, 3)), draw(st.sampled_from((1.0, 4.0, 10.0))))
    samples = draw(st.lists(st.sampled_from(GRID_TIMES), min_size=1, max_size=4))
    return Empirical(tuple(samples))


@st.composite
def staffing(draw: st.DrawFn, horizon: int) -> BoothSchedule | QueueTrigger:
    if draw(st.integers(0, 2)) == 0:
        lo = draw(st.integers(0, 2))
        hi = draw(st.integers(max(lo, 1), 4))
        above = draw(st.sampled_from((0.0, 0.5, 1.0, 2.0, 3.0)))
        # min_booths = 0 needs close_below <= 1 (the spec rejects a trigger that could
        # close its last booth on a waiting vehicle)
        cap = above if lo > 0 else min(above, 1.0)
        below = draw(st.sampled_from([x for x in (0.0, 0.25, 0.5, 1.0, 2.0) if x <= cap]))
        return QueueTrigger(lo, hi, above, below)
    n = 1 if draw(st.booleans()) else horizon
    booths = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    if not any(booths):
        booths[-1] = 1
    return BoothSchedule(tuple(booths))


@st.composite
def port_specs(draw: st.DrawFn) -> PortSpec:
    H = draw(st.integers(1, 3))
    groups = tuple(
        LaneGroup(f"g{j}", draw(st.sampled_from(LANES)), draw(staffing(H)))
        for j in range(draw(st.integers(1, 3)))
    )
    present = sorted({g.lane_type for g in groups})
    with_secondary = draw(st.booleans())
    classes = []
    for k in range(draw(st.integers(1, 3))):
        lanes = set(draw(st.lists(st.sampled_from(LANES), min_size=1, max_size=3)))
        if not lanes & set(present):
            lanes.add(draw(st.sampled_from(present)))
        service = {lt: draw(distributions()) for lt in sorted(lanes)}
        referral = draw(st.sampled_from((0.0, 0.2, 0.6))) if with_secondary else 0.0
        secondary = draw(distributions()) if referral > 0 else None
        trace = None
        rate: float | tuple[float, ...] = 0.0
        if draw(st.integers(0, 3)) == 0:
            slots = draw(st.lists(st.integers(0, 12 * H - 1), max_size=25))
            trace = tuple(5.0 * s for s in sorted(slots))
        elif draw(st.booleans()):
            rate = draw(st.sampled_from((0.0, 15.0, 40.0, 80.0)))
        else:
            rate = tuple(draw(st.sampled_from((0.0, 15.0, 40.0, 80.0))) for _ in range(H))
        classes.append(
            TrafficClass(
                f"c{k}",
                rate,
                service,
                referral_probability=referral,
                secondary_service=secondary,
                arrival_times_min=trace,
            )
        )
    # Some groups admit only some of the classes that have their lane type.
    restricted = []
    for grp in groups:
        cands = [c.name for c in classes if grp.lane_type in c.service]
        names = None
        if cands and draw(st.integers(0, 2)) == 0:
            names = tuple(draw(st.lists(st.sampled_from(cands), min_size=1, unique=True)))
        restricted.append(LaneGroup(grp.name, grp.lane_type, grp.staffing, classes=names))
    groups = tuple(restricted)
    assume(all(any(g.admits(c) for g in groups) for c in classes))
    initial = []
    for _ in range(draw(st.integers(0, 3))):
        j = draw(st.integers(0, len(groups) - 1))
        ks = [k for k, c in enumerate(classes) if groups[j].admits(c)]
        if ks:
            k = draw(st.sampled_from(ks))
            initial.append(InitialQueue(groups[j].name, classes[k].name, draw(st.integers(0, 6))))
    return PortSpec(
        "random",
        "US-bound",
        H,
        classes=tuple(classes),
        lane_groups=groups,
        secondary=Secondary(draw(st.integers(1, 2))) if with_secondary else None,
        drain=draw(st.booleans()),
        initial_queue=tuple(initial),
        choice_rule=draw(st.sampled_from(CHOICE_RULES)),
    )


def _check_invariants(spec: PortSpec, rec: VehicleRecords) -> None:
    started = ~np.isnan(rec.start_min)
    assert np.all(rec.wait_min[started] >= 0)
    if spec.drain:
        # Every group drains: everyone is served exactly once.
        assert started.all()
    for g in range(spec.n_groups):
        s = rec.start_min[rec.group_index == g]
        s = s[~np.isnan(s)]
        assert np.all(np.diff(s) >= 0), "FIFO within a lane group"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=port_specs(), seed=st.integers(0, 2**32 - 1))
def test_fast_equals_reference_on_random_specs(spec: PortSpec, seed: int) -> None:
    draws = draw_vehicles(spec, np.random.SeedSequence(seed))
    assume(draws.n <= 400)
    ref = run_reference(spec, draws)
    fast = run_compiled(spec, draws)
    assert fast.mismatches(ref) == []
    # Every more general compiled path must agree too.
    paths = ("single", "schedule", "events")
    for path in paths[paths.index(compile_port(spec).path) + 1 :]:
        assert run_compiled(spec, draws, path=path).mismatches(ref) == [], path  # type: ignore[arg-type]
    _check_invariants(spec, fast)


@st.composite
def single_group_pairs(draw: st.DrawFn) -> tuple[PortSpec, PortSpec]:
    """A one-group port and the same port with one more booth in some hours."""
    H = draw(st.integers(1, 12))
    booths = draw(st.lists(st.integers(0, 8), min_size=H, max_size=H))
    if not any(booths):
        booths[0] = 1
    extra = draw(st.lists(st.integers(0, 1), min_size=H, max_size=H))
    if not any(extra):
        extra[draw(st.integers(0, H - 1))] = 1
    more = tuple(b + e for b, e in zip(booths, extra, strict=True))
    svc = draw(
        st.sampled_from((Exponential(2.0), Deterministic(2.5), Erlang(2, 2.0), Exponential(4.0)))
    )
    rate = tuple(draw(st.sampled_from((30.0, 60.0, 120.0, 240.0))) for _ in range(H))
    drain = draw(st.booleans())

    def port(b: tuple[int, ...]) -> PortSpec:
        return PortSpec(
            "one",
            "US-bound",
            H,
            classes=(TrafficClass("car", rate, {"general": svc}),),
            lane_groups=(LaneGroup("g", "general", BoothSchedule(b)),),
            drain=drain,
        )

    return port(tuple(booths)), port(more)


@settings(max_examples=60, deadline=None)
@given(pair=single_group_pairs(), seed=st.integers(0, 2**32 - 1))
def test_adding_a_booth_never_raises_a_wait(pair: tuple[PortSpec, PortSpec], seed: int) -> None:
    base, more = pair
    # The claim needs at least as many booths at every instant, the drain count included
    # (a closed last hour drains with the schedule maximum).
    assume(bool(np.all(compile_port(more).schedule >= compile_port(base).schedule)))
    draws = draw_vehicles(base, np.random.SeedSequence(seed))
    w0 = run_compiled(base, draws).wait_min
    w1 = run_compiled(more, draws).wait_min
    served0 = ~np.isnan(w0)
    # Whoever is served with fewer booths is served with more, and waits no longer.
    assert not np.any(np.isnan(w1[served0]))
    assert np.all(w1[served0] <= w0[served0])
