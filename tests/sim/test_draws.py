"""Up-front draws: reproducible, common across booth changes, and correctly distributed."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy import stats

from borderflow.sim import (
    BoothSchedule,
    Deterministic,
    Empirical,
    Erlang,
    Exponential,
    LaneGroup,
    Lognormal,
    PortSpec,
    QueueTrigger,
    ScenarioTooLargeError,
    Secondary,
    TrafficClass,
    VehicleDraws,
    draw_vehicles,
    replication_seed,
    replication_seeds,
)


def _two_class_port(booths: int = 2, **kw: object) -> PortSpec:
    args: dict[str, object] = {
        "name": "p",
        "direction": "Canada-bound",
        "horizon_hours": 3,
        "classes": (
            TrafficClass(
                "general",
                (100.0, 40.0, 0.0),
                {"general": Exponential(1.0)},
                referral_probability=0.25,
                secondary_service=Erlang(2, 8.0),
            ),
            TrafficClass(
                "nexus",
                (100.0, 0.0, 60.0),
                {"nexus": Exponential(0.5), "general": Lognormal(1.0, 0.5)},
            ),
            TrafficClass(
                "trace", 0.0, {"general": Deterministic(2.0)}, arrival_times_min=(0.0, 60.0, 61.5)
            ),
        ),
        "lane_groups": (
            LaneGroup("g", "general", BoothSchedule((booths,))),
            LaneGroup("n", "nexus", QueueTrigger(1, 3, 2.0, 1.0)),
        ),
        "secondary": Secondary(2),
        "initial_queue": (("g", "general", 2), ("n", "nexus", 1)),
    }
    args.update(kw)
    return PortSpec(**args)  # type: ignore[arg-type]


def _assert_same(a: VehicleDraws, b: VehicleDraws) -> None:
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y, err_msg=f.name)
        else:
            assert x == y, f.name


def test_same_seed_same_draws_and_replications_differ() -> None:
    spec = _two_class_port()
    a = draw_vehicles(spec, replication_seeds(7, 3)[1])
    b = draw_vehicles(spec, replication_seeds(7, 3)[1])
    _assert_same(a, b)
    c = draw_vehicles(spec, replication_seeds(7, 3)[2])
    assert a.n != c.n or not np.array_equal(a.arrival_min, c.arrival_min)


def test_common_random_numbers_across_booths_staffing_and_rule() -> None:
    base = draw_vehicles(_two_class_port(2), np.random.SeedSequence(11))
    other = _two_class_port(
        5,
        lane_groups=(
            LaneGroup("g", "general", BoothSchedule((1, 4, 2))),
            LaneGroup("n", "nexus", BoothSchedule((3,))),
        ),
        choice_rule="shortest_queue",
    )
    _assert_same(base, draw_vehicles(other, np.random.SeedSequence(11)))


def test_order_initial_queue_traces_and_columns() -> None:
    d = draw_vehicles(_two_class_port(), np.random.SeedSequence(3))
    assert d.n_initial == 3
    assert d.initial_group.tolist() == [0, 0, 1]
    assert d.class_index[:3].tolist() == [0, 0, 1]
    assert d.arrival_min[:3].tolist() == [0.0, 0.0, 0.0]
    assert np.all(np.diff(d.arrival_min) >= 0)
    # the three recorded times are present exactly, with their class
    trace = d.arrival_min[d.class_index == 2]
    assert trace.tolist() == [0.0, 60.0, 61.5]
    # service columns: general (0) and nexus (1); NaN where the class has no such lane type
    assert d.service_lane_types == (0, 1)
    assert d.service_column.tolist() == [0, 1, -1, -1, -1, -1]
    nexus_col = d.service_min[:, 1]
    assert np.all(np.isnan(nexus_col[d.class_index != 1]))
    assert not np.any(np.isnan(nexus_col[d.class_index == 1]))
    assert np.all(d.service_min[d.class_index == 2, 0] == 2.0)
    # secondary times only for the class that has one; no referral for p = 0
    assert np.all(np.isnan(d.secondary_min[d.class_index != 0]))
    assert not np.any(d.referred[d.class_index != 0])


def test_poisson_counts_uniform_times_and_class_mix() -> None:
    H = 400
    spec = PortSpec(
        "p",
        "US-bound",
        H,
        (
            TrafficClass(
                "a", tuple(30.0 if h % 2 else 90.0 for h in range(H)), {"general": Exponential(1.0)}
            ),
            TrafficClass(
                "b", 30.0, {"general": Exponential(1.0)}, 0.1, secondary_service=Exponential(1.0)
            ),
        ),
        (LaneGroup("g", "general", BoothSchedule((5,))),),
        secondary=Secondary(1),
    )
    d = draw_vehicles(spec, np.random.SeedSequence(2024))
    hour = (d.arrival_min // 60).astype(int)
    counts = np.bincount(hour, minlength=H)
    lam = spec.rate_matrix.sum(axis=1)
    # Poisson: the dispersion statistic sum((n - lam)^2 / lam) is chi-square with H d.o.f.
    dispersion = float(np.sum((counts - lam) ** 2 / lam))
    assert stats.chi2.sf(dispersion, H) > 1e-4
    assert stats.chi2.cdf(dispersion, H) > 1e-4
    # uniform within the hour (Kolmogorov-Smirnov on the offsets)
    offsets = (d.arrival_min - 60.0 * hour) / 60.0
    assert stats.kstest(offsets, "uniform").pvalue > 1e-4
    # class proportions: b is 30/120 in even hours and 30/60 in odd ones
    for parity, p_b in ((0, 0.25), (1, 0.5)):
        m = hour % 2 == parity
        n = int(m.sum())
        share = float(np.mean(d.class_index[m] == 1))
        assert abs(share - p_b) < 5 * np.sqrt(p_b * (1 - p_b) / n)
    # referrals ~ Bernoulli(0.1) for class b only
    nb = int(np.sum(d.class_index == 1))
    assert abs(d.referred[d.class_index == 1].mean() - 0.1) < 5 * np.sqrt(0.09 / nb)


@pytest.mark.parametrize(
    "dist",
    [
        Exponential(0.8),
        Deterministic(1.3),
        Erlang(3, 2.0),
        Lognormal(1.1, 0.6),
        Empirical((0.2, 0.5, 0.5, 3.0)),
    ],
)
def test_sample_moments_match_exact_moments(dist: object) -> None:
    rng = np.random.default_rng(123)
    n = 200_000
    x = dist.sample(rng, n)  # type: ignore[attr-defined]
    mean, var = dist.mean, dist.variance  # type: ignore[attr-defined]
    assert x.shape == (n,) and np.all(x > 0)
    # CLT: sample mean within 5 standard errors; the sample variance's standard error is
    # sqrt((m4 - var^2) / n) with m4 the fourth central moment (estimated).
    assert abs(x.mean() - mean) <= 5 * np.sqrt(var / n) + 1e-12
    m4 = float(np.mean((x - x.mean()) ** 4))
    assert abs(x.var() - var) <= 5 * np.sqrt(max(m4 - var**2, 0.0) / n) + 1e-12


def test_a_scenario_too_big_to_run_is_refused_before_drawing() -> None:
    spec = _two_class_port()
    # expected vehicles = the hourly rates summed over the horizon + 3 recorded + 3 queued
    expected = 100 + 40 + 0 + 100 + 0 + 60 + 3 + 3
    draws = draw_vehicles(spec, replication_seeds(1, 1)[0], max_vehicles=expected)
    assert draws.n > 0
    with pytest.raises(ScenarioTooLargeError, match=f"expects about {expected:,} vehicles"):
        draw_vehicles(spec, replication_seeds(1, 1)[0], max_vehicles=expected - 1)


def test_one_replications_seed_equals_the_spawned_one() -> None:
    spawned = np.random.SeedSequence(2024).spawn(7)
    for r in (0, 3, 6):
        direct = replication_seed(2024, r)
        np.testing.assert_array_equal(direct.generate_state(8), spawned[r].generate_state(8))
    with pytest.raises(ValueError, match="replication = -1"):
        replication_seed(2024, -1)


@pytest.mark.parametrize("n_classes", [1, 2, 8, 9, 15])
def test_members_by_class_is_a_stable_sort_by_class(n_classes: int) -> None:
    # Both ways of grouping vehicles by class (one pass per class up to 8 classes, a
    # counting sort beyond) against numpy's stable argsort.
    from borderflow.sim._draws import _members_by_class

    classes = np.random.default_rng(n_classes).integers(0, n_classes, 3000).astype(np.int32)
    members, first = _members_by_class(classes, n_classes)
    np.testing.assert_array_equal(members, np.argsort(classes, kind="stable"))
    np.testing.assert_array_equal(
        first, np.concatenate([[0], np.cumsum(np.bincount(classes, minlength=n_classes))])
    )
