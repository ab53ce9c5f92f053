"""Map geometry for the dashboard, from the shipped public-domain files in ``data/geo/``.

States, provinces, lakes and the international boundary are read once, simplified
(Douglas-Peucker) and kept in memory; the dashboard projects them in the browser. No tile
server, nothing from the network.
"""

from __future__ import annotations

import gzip
import itertools
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

#: Map extent [west, south, east, north] degrees: every U.S.-Canada crossing, Alaska too.
BBOX = (-170.0, 38.0, -50.0, 72.0)
#: Simplification tolerance [degrees] (about 2 km): finer than a pixel at full width.
TOLERANCE = 0.02
#: Longest segment kept [degrees]: long straight runs in lon/lat (the 49th parallel) are
#: curves on the conic map, so they get intermediate points.
MAX_SEGMENT = 0.25
SOURCES = (
    "Natural Earth 1:50m admin-1 and lakes (public domain); U.S.-Canada boundary derived "
    "from world-atlas 2.0.2 countries-50m (Natural Earth); see data/geo/SOURCES.md"
)


def _simplify(points: np.ndarray, tol: float) -> np.ndarray:
    """Douglas-Peucker simplification of a polyline (keeps both ends)."""
    n = len(points)
    if n < 3:
        return points
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        a, b = points[i], points[j]
        seg = b - a
        inner = points[i + 1 : j] - a
        norm = float(np.hypot(*seg))
        if norm == 0.0:
            d = np.hypot(inner[:, 0], inner[:, 1])
        else:
            d = np.abs(seg[0] * inner[:, 1] - seg[1] * inner[:, 0]) / norm
        k = int(np.argmax(d))
        if d[k] > tol:
            m = i + 1 + k
            keep[m] = True
            stack.extend(((i, m), (m, j)))
    return points[keep]


def _densify(points: np.ndarray, step: float) -> np.ndarray:
    """Insert points so that no segment is longer than ``step`` degrees."""
    out = [points[:1]]
    for a, b in itertools.pairwise(points):
        n = int(np.ceil(float(np.hypot(*(b - a))) / step))
        if n > 1:
            t = np.linspace(0.0, 1.0, n + 1)[1:, None]
            out.append(a + (b - a) * t)
        else:
            out.append(b[None, :])
    return np.concatenate(out)


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    kind = geometry["type"]
    coords = geometry["coordinates"]
    if kind == "Polygon":
        polys = [coords]
    elif kind == "MultiPolygon":
        polys = coords
    elif kind == "LineString":
        return [coords]
    elif kind == "MultiLineString":
        return list(coords)
    else:
        return []
    return [ring for poly in polys for ring in poly]


def _in_bbox(ring: np.ndarray) -> bool:
    w, s, e, n = BBOX
    return bool(
        ring[:, 0].max() >= w
        and ring[:, 0].min() <= e
        and ring[:, 1].max() >= s
        and ring[:, 1].min() <= n
    )


def _clean(ring: list[list[float]], closed: bool) -> list[list[float]] | None:
    pts = np.asarray(ring, dtype=float)[:, :2]
    if not _in_bbox(pts):
        return None
    simple = _densify(_simplify(pts, TOLERANCE), MAX_SEGMENT)
    if closed and len(simple) < 4:
        return None
    return [[round(float(x), 3), round(float(y), 3)] for x, y in simple]


def _read(path: Path) -> dict[str, Any]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        doc: dict[str, Any] = json.load(fh)
    return doc


@lru_cache(maxsize=4)
def map_geometry(data_dir: Path) -> dict[str, Any]:
    """Return the simplified geometry (the ``/api/geo`` document), computed once.

    Parameters
    ----------
    data_dir
        The shipped data folder (its ``geo/`` subfolder is read).
    """
    geo = data_dir / "geo"
    regions = []
    for f in _read(geo / "natural_earth" / "ne_50m_admin1_us_canada.geojson.gz")["features"]:
        rings = [r for r in (_clean(x, True) for x in _rings(f["geometry"])) if r]
        if rings:
            p = f["properties"]
            regions.append(
                {"name": p["name"], "postal": p["postal"], "country": p["adm0_a3"], "rings": rings}
            )
    lakes: list[list[list[float]]] = []
    for f in _read(geo / "natural_earth" / "ne_50m_lakes_north_america.geojson.gz")["features"]:
        lakes.extend(r for r in (_clean(x, True) for x in _rings(f["geometry"])) if r)
    border: list[list[list[float]]] = []
    for f in _read(geo / "derived" / "us_canada_border_50m.geojson.gz")["features"]:
        border.extend(r for r in (_clean(x, False) for x in _rings(f["geometry"])) if r)
    return {
        "bbox": list(BBOX),
        "border": border,
        "regions": regions,
        "lakes": lakes,
        "sources": SOURCES,
    }
