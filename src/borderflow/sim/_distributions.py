"""Service-time distributions (minutes), each with its exact mean and variance.

Every distribution is a frozen dataclass whose parameters are checked on construction,
with ``mean`` and ``variance`` computed exactly from the parameters (so tests can compare
simulation output with queueing theory) and a vectorised ``sample(rng, n)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

from borderflow.sim._bounds import MAX_LOGNORMAL_CV, MAX_SERVICE_MIN
from borderflow.sim._errors import SpecError

FloatArray: TypeAlias = npt.NDArray[np.float64]


def _check_positive(field: str, value: float) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise SpecError(f"{field} = {value!r}: must be a number")
    if not math.isfinite(value) or value <= 0:
        raise SpecError(f"{field} = {value!r}: must be finite and > 0")
    if value > MAX_SERVICE_MIN:
        raise SpecError(
            f"{field} = {value!r}: service times are at most {MAX_SERVICE_MIN:g} minutes "
            "(one day; check the unit)"
        )


@dataclass(frozen=True)
class Exponential:
    """Exponential service time.

    Parameters
    ----------
    mean : float
        Mean service time [minutes], > 0.
    """

    mean: float

    def __post_init__(self) -> None:
        _check_positive("mean", self.mean)

    @property
    def variance(self) -> float:
        """Exact variance [minutes²]: mean²."""
        return float(self.mean) ** 2

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        """Draw ``n`` service times [minutes]."""
        return rng.standard_exponential(n) * float(self.mean)


@dataclass(frozen=True)
class Deterministic:
    """Constant service time.

    Parameters
    ----------
    value : float
        Service time [minutes], > 0.
    """

    value: float

    def __post_init__(self) -> None:
        _check_positive("value", self.value)

    @property
    def mean(self) -> float:
        """Exact mean [minutes]."""
        return float(self.value)

    @property
    def variance(self) -> float:
        """Exact variance [minutes²]: 0."""
        return 0.0

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        """Return ``n`` copies of the value [minutes]; consumes no random numbers."""
        return np.full(n, float(self.value))


@dataclass(frozen=True)
class Erlang:
    """Erlang-k service time: the sum of ``k`` exponential phases.

    Parameters
    ----------
    k : int
        Number of phases, >= 1.
    mean : float
        Mean service time [minutes], > 0.
    """

    k: int
    mean: float

    def __post_init__(self) -> None:
        if not isinstance(self.k, int) or isinstance(self.k, bool) or self.k < 1:
            raise SpecError(f"k = {self.k!r}: must be an integer >= 1")
        _check_positive("mean", self.mean)

    @property
    def variance(self) -> float:
        """Exact variance [minutes²]: mean² / k."""
        return float(self.mean) ** 2 / self.k

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        """Draw ``n`` service times [minutes] (gamma with integer shape ``k``)."""
        return rng.standard_gamma(float(self.k), n) * (float(self.mean) / self.k)


@dataclass(frozen=True)
class Lognormal:
    """Lognormal service time given by its own mean and standard deviation.

    Parameters
    ----------
    mean : float
        Mean service time [minutes], > 0.
    sd : float
        Standard deviation [minutes], > 0.
    """

    mean: float
    sd: float

    def __post_init__(self) -> None:
        _check_positive("mean", self.mean)
        _check_positive("sd", self.sd)
        if self.sd > MAX_LOGNORMAL_CV * self.mean:
            raise SpecError(
                f"sd = {self.sd!r}: at most {MAX_LOGNORMAL_CV:g} x mean ({self.mean!r}) "
                "for a lognormal service time"
            )

    @property
    def variance(self) -> float:
        """Exact variance [minutes²]: sd²."""
        return float(self.sd) ** 2

    @property
    def sigma(self) -> float:
        """Standard deviation of the underlying normal: sqrt(log(1 + sd²/mean²))."""
        return math.sqrt(math.log1p((float(self.sd) / float(self.mean)) ** 2))

    @property
    def mu(self) -> float:
        """Mean of the underlying normal: log(mean) - sigma²/2."""
        return math.log(float(self.mean)) - self.sigma**2 / 2.0

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        """Draw ``n`` service times [minutes]."""
        return np.exp(self.mu + self.sigma * rng.standard_normal(n))


@dataclass(frozen=True)
class Empirical:
    """Service time resampled with replacement from observed values.

    Parameters
    ----------
    samples : tuple of float
        Observed service times [minutes], each finite and > 0; at least one.
    """

    samples: tuple[float, ...]

    def __post_init__(self) -> None:
        values = tuple(self.samples)
        if len(values) == 0:
            raise SpecError("samples = (): needs at least one observed value")
        for i, v in enumerate(values):
            _check_positive(f"samples[{i}]", v)
        object.__setattr__(self, "samples", tuple(float(v) for v in values))

    @property
    def mean(self) -> float:
        """Exact mean of the resampling distribution [minutes]."""
        return float(np.mean(np.asarray(self.samples)))

    @property
    def variance(self) -> float:
        """Exact variance of the resampling distribution [minutes²] (population form)."""
        return float(np.var(np.asarray(self.samples)))

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        """Draw ``n`` service times [minutes] uniformly from the samples."""
        values = np.asarray(self.samples, dtype=np.float64)
        return values[rng.integers(0, values.size, n)]


#: Any service-time distribution.
Distribution: TypeAlias = Exponential | Deterministic | Erlang | Lognormal | Empirical

__all__ = [
    "Deterministic",
    "Distribution",
    "Empirical",
    "Erlang",
    "Exponential",
    "Lognormal",
]
