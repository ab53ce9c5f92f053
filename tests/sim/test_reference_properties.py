"""Property tests (Hypothesis) of the reference engine on random small ports."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from borderflow.sim import (
    CHOICE_RULES,
    LANE_TYPES,
    BoothSchedule,
    Deterministic,
    Erlang,
    Exponential,
    LaneGroup,
    Lognormal,
    PortSpec,
    QueueTrigger,
    Secondary,
    TrafficClass,
    draw_vehicles,
)
from borderflow.sim._reference import run_reference

LT = LANE_TYPES[:3]  # general, nexus, ready keep the cases small


@st.composite
def distributions(draw: st.DrawFn) -> object:
    mean = draw(st.floats(0.2, 3.0))
    kind = draw(st.sampled_from(["exp", "det", "erl", "logn"]))
    if kind == "exp":
        return Exponential(mean)
    if kind == "det":
        return Deterministic(round(mean, 1) or 0.5)  # coarse values make equal times likely
    if kind == "erl":
        return Erlang(draw(st.integers(1, 4)), mean)
    return Lognormal(mean, draw(st.floats(0.1, 2.0)))


@st.composite
def staffing(draw: st.DrawFn, H: int) -> object:
    if draw(st.booleans()):
        lo = draw(st.integers(0, 2))
        hi = draw(st.integers(max(lo, 1), 4))
        open_above = draw(st.floats(0.0, 4.0))
        # min_booths = 0 needs close_below <= 1 (else the last booth may close on a queue)
        below_max = open_above if lo > 0 else min(open_above, 1.0)
        return QueueTrigger(lo, hi, open_above, draw(st.floats(0.0, below_max)))
    booths = draw(st.lists(st.integers(0, 3), min_size=H, max_size=H).filter(any))
    return BoothSchedule(tuple(booths))


@st.composite
def ports(draw: st.DrawFn) -> PortSpec:
    H = draw(st.integers(1, 3))
    groups = []
    for j in range(draw(st.integers(1, 3))):
        groups.append(LaneGroup(f"g{j}", draw(st.sampled_from(LT)), draw(staffing(H))))
    present = sorted({g.lane_type for g in groups})
    classes = []
    for k in range(draw(st.integers(1, 3))):
        lts = draw(
            st.lists(st.sampled_from(present), min_size=1, max_size=len(present), unique=True)
        )
        service = {lt: draw(distributions()) for lt in lts}
        p = draw(st.sampled_from([0.0, 0.0, 0.3, 1.0]))
        sec = Exponential(draw(st.floats(0.5, 5.0))) if p > 0 else None
        if draw(st.booleans()):
            times = sorted(draw(st.lists(st.integers(0, 60 * H - 1), max_size=12)))
            classes.append(
                TrafficClass(
                    f"c{k}",
                    0.0,
                    service,
                    p,
                    secondary_service=sec,
                    arrival_times_min=tuple(float(t) for t in times),
                )
            )
        else:
            rates = tuple(draw(st.floats(0.0, 90.0)) for _ in range(H))
            classes.append(TrafficClass(f"c{k}", rates, service, p, secondary_service=sec))
    secondary = (
        Secondary(draw(st.integers(1, 2)))
        if any(c.referral_probability > 0 for c in classes)
        else None
    )
    initial = ()
    if draw(st.booleans()):
        g = draw(st.sampled_from(groups))
        ok = [c for c in classes if g.admits(c)]
        if ok:
            initial = ((g.name, ok[0].name, draw(st.integers(0, 4))),)
    return PortSpec(
        "random",
        "US-bound",
        H,
        tuple(classes),
        tuple(groups),
        secondary=secondary,
        drain=draw(st.booleans()),
        initial_queue=initial,
        choice_rule=draw(st.sampled_from(CHOICE_RULES)),
    )


@settings(max_examples=80)
@given(ports(), st.integers(0, 2**32 - 1))
def test_invariants(spec: PortSpec, seed: int) -> None:
    d = draw_vehicles(spec, np.random.SeedSequence(seed))
    rec = run_reference(spec, d)
    H = spec.horizon_hours
    stop = 60.0 * H
    started = ~np.isnan(rec.start_min)
    # every vehicle joined an eligible group
    assert np.all(rec.group_index >= 0)
    assert np.all(spec.eligible[rec.class_index, rec.group_index])
    # served exactly once, or reported waiting at the end (only possible without drain)
    if spec.drain:
        assert started.all()
    else:
        assert np.all(rec.start_min[started] < stop)
    svc = d.group_service_min(spec)[np.arange(d.n), rec.group_index]
    np.testing.assert_array_equal(rec.end_min[started], rec.start_min[started] + svc[started])
    assert np.all(np.isnan(rec.end_min[~started]))
    # waits >= 0
    assert np.all(rec.wait_min[started] >= 0)
    # FIFO within a group: vehicles are in arrival order, so starts are non-decreasing in
    # index order, and nobody starts after a later vehicle of the group that did start
    for g in range(spec.n_groups):
        idx = np.flatnonzero(rec.group_index == g)
        s = rec.start_min[idx]
        first_nan = np.argmax(np.isnan(s)) if np.isnan(s).any() else s.size
        assert np.all(np.isnan(s[first_nan:]))
        assert np.all(np.diff(s[:first_nan]) >= 0)
        # each booth serves one vehicle at a time, and booths exist
        b = rec.booth_index[idx][:first_nan]
        assert np.all((b >= 0) & (b < spec.max_booths[g]))
        for booth in np.unique(b):
            m = b == booth
            st_, en = s[:first_nan][m], rec.end_min[idx][:first_nan][m]
            assert np.all(st_[1:] >= en[:-1])
    # secondary: referred vehicles only, after their primary, FIFO by primary end
    sec = ~np.isnan(rec.secondary_start_min)
    assert not np.any(sec & ~rec.referred)
    assert np.all(rec.secondary_start_min[sec] >= rec.end_min[sec])
    if spec.drain:
        assert np.array_equal(sec, rec.referred)
    order = np.lexsort((np.arange(d.n)[sec], rec.end_min[sec]))
    assert np.all(np.diff(rec.secondary_start_min[sec][order]) >= 0)


@st.composite
def single_group(draw: st.DrawFn) -> tuple[PortSpec, PortSpec]:
    H = draw(st.integers(1, 3))
    c = draw(st.integers(1, 3))
    classes = tuple(
        TrafficClass(
            f"c{k}",
            tuple(draw(st.floats(0.0, 150.0)) for _ in range(H)),
            {"general": draw(distributions())},
        )
        for k in range(draw(st.integers(1, 2)))
    )

    def spec(booths: int) -> PortSpec:
        return PortSpec(
            "mono", "US-bound", H, classes, (LaneGroup("g", "general", BoothSchedule((booths,))),)
        )

    return spec(c), spec(c + 1)


@settings(max_examples=60)
@given(single_group(), st.integers(0, 2**32 - 1))
def test_adding_a_booth_never_raises_a_wait(pair: tuple[PortSpec, PortSpec], seed: int) -> None:
    # Common random numbers: the booth count does not enter the draws.
    small, big = pair
    d = draw_vehicles(small, np.random.SeedSequence(seed))
    d_big = draw_vehicles(big, np.random.SeedSequence(seed))
    for f in dataclasses.fields(d):
        a = getattr(d, f.name)
        assert np.array_equal(
            a, getattr(d_big, f.name), equal_nan=isinstance(a, np.ndarray) and a.dtype.kind == "f"
        )
    w_small = run_reference(small, d).wait_min
    w_big = run_reference(big, d).wait_min
    assert np.all(w_big <= w_small)
