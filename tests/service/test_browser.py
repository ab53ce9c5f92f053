"""The dashboard in headless Chromium (Debian's package), network blocked but 127.0.0.1.

A real server (uvicorn, loopback) with test providers; Playwright drives Chromium at
``/usr/bin/chromium`` (never a downloaded browser). Screenshots go to
``$BORDERFLOW_TEST_ARTIFACTS`` (default ``test-artifacts/``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest

from borderflow.service import Limits, Providers, create_app
from tests.service.service_fakes import (
    MISSING,
    forecast_monthly,
    quick_predict_waits,
    serve_app,
    whatif,
)

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("BORDERFLOW_TEST_ARTIFACTS", "test-artifacts"))
DAY, HOUR = "2019-07-12", 16

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)",
)


@pytest.fixture(scope="module")
def server(warehouse_path: Path) -> Iterator[str]:
    providers = Providers(
        predict_waits=quick_predict_waits, whatif=whatif, forecast_monthly=forecast_monthly
    )
    app = create_app(
        warehouse_path, limits=Limits(workers=1), providers=providers, prestart_workers=True
    )
    with serve_app(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A page whose requests to anything but 127.0.0.1 are blocked (and recorded)."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    blocked: list[str] = []

    def guard(route: Any) -> None:
        url = route.request.url
        if urlparse(url).hostname == "127.0.0.1" or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    ctx.route("**/*", guard)
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg, blocked
    ctx.close()
    assert errors == []


def _shot(pg: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _same(shown: str, value: float) -> bool:
    """The page shows ``value`` to one decimal (JS and Python round halves differently)."""
    return abs(float(shown) - value) <= 0.05 + 1e-9


def _cell(pg: Any, table: str, hour: int, lane: str, field: str) -> str:
    sel = f"#{table} tr[data-hour='{hour}'][data-lane='{lane}'] td[data-field='{field}']"
    return str(pg.inner_text(sel))


def test_dashboard_map_port_and_whatif(server: str, page: tuple[Any, list[str]]) -> None:
    pg, blocked = page
    api = httpx.Client(base_url=server, timeout=120)
    pg.goto(f"{server}/?day={DAY}&hour={HOUR}")
    pg.wait_for_selector("body[data-ready='1']", timeout=120_000)
    points = [p for p in api.get("/api/map").json()["crossings"] if p["mode"] == "road"]
    assert pg.locator("#crossings circle").count() == len(points)
    waits = {
        w["crossing_id"]: w
        for w in api.get("/api/waits", params={"at": f"{DAY}T{HOUR:02d}:00"}).json()["ports"]
    }
    arch = pg.locator("circle[data-id='3005']")
    assert "validated" in arch.get_attribute("class")
    assert "modelled" in pg.locator("circle[data-id='0901']").get_attribute("class")
    assert f"{waits['3005']['delay_min']:.0f} minutes" in arch.get_attribute("aria-label")
    _shot(pg, "dashboard-map")

    pg.click("#views button[data-view='pacific']")  # crossings 5 km apart need a zoom
    arch.click()
    pg.wait_for_selector("#waits-table", timeout=60_000)
    assert "Peace Arch" in pg.inner_text("#port-title")
    doc = api.get("/api/ports/3005/waits", params={"day": DAY}).json()
    for row in doc["rows"]:
        hour = int(row["hour_start"][11:13])
        assert _same(
            _cell(pg, "waits-table", hour, row["lane_type"], "delay_min"), row["delay_min"]
        )
    assert "validated against measured waits" in pg.inner_text("#waits-basis")
    for axis in ("predicted delay [minutes]", "local hour of arrival", "vehicles/month"):
        # The charts draw as their data arrive: wait for each axis label (raises if absent).
        pg.wait_for_selector(f"text={axis}", timeout=60_000)
        assert pg.locator(f"text={axis}").count() >= 1

    pg.fill("#wi-general", "2")
    pg.wait_for_function(
        f"""() => {{
            const c = document.querySelector(
                "#whatif-table tr[data-hour='{HOUR}'][data-lane='general'] "
                + "td[data-field='scenario_lanes_open']");
            return c && c.textContent === "4";
        }}""",
        timeout=120_000,
    )
    expect = api.post(
        "/api/whatif",
        json={"crossing_id": "3005", "day": DAY, "booths": {"general": 2}},
    ).json()
    for row in expect["rows"]:
        hour, lane = int(row["hour_start"][11:13]), row["lane_type"]
        for field in ("baseline_min", "scenario_min", "diff_min"):
            assert _same(_cell(pg, "whatif-table", hour, lane, field), row[field])
    _shot(pg, "dashboard-port-whatif")
    assert blocked == []


def test_keyboard_reaches_a_crossing(server: str, page: tuple[Any, list[str]]) -> None:
    pg, blocked = page
    pg.goto(f"{server}/?day={DAY}&hour={HOUR}")
    pg.wait_for_selector("body[data-ready='1']", timeout=120_000)
    for _ in range(20):  # Tab from the top reaches the map's circles after the controls
        pg.keyboard.press("Tab")
        if pg.evaluate("document.activeElement.classList.contains('crossing')"):
            break
    else:
        pytest.fail("Tab never reached a crossing on the map")
    name = pg.evaluate("document.activeElement.getAttribute('aria-label')").split(",")[0]
    pg.keyboard.press("Enter")
    pg.wait_for_function(
        "name => document.getElementById('port-title').textContent.startsWith(name)",
        arg=name,
        timeout=60_000,
    )
    _shot(pg, "dashboard-keyboard")
    assert blocked == []


def test_docs_render_offline(server: str, page: tuple[Any, list[str]]) -> None:
    pg, blocked = page
    pg.goto(f"{server}/docs")
    pg.wait_for_selector(".swagger-ui .info .title", timeout=60_000)
    assert "borderflow" in pg.inner_text(".swagger-ui .info .title")
    assert pg.locator(".opblock").count() >= 10
    _shot(pg, "api-docs")
    assert blocked == []


def test_without_predictions_the_page_says_not_available(
    warehouse_path: Path, page: tuple[Any, list[str]]
) -> None:
    pg, blocked = page
    app = create_app(warehouse_path, limits=Limits(workers=1), providers=MISSING)
    with serve_app(app) as url:
        pg.goto(f"{url}/?day={DAY}&hour={HOUR}#3005")
        pg.wait_for_selector("body[data-ready='1']", timeout=120_000)
        pg.wait_for_function(
            "() => document.getElementById('whatif-status').textContent.includes('not available')",
            timeout=60_000,
        )
        assert "not available" in pg.inner_text("#status")
        assert "not available" in pg.inner_text("#waits-table-wrap")
        assert "Forecast: not available" in pg.inner_text("#traffic-note")
        # Traffic still shows: the map has every crossing, grey, and the history chart.
        assert (
            pg.locator("#crossings circle[fill='#8a8a8a']").count()
            == pg.locator("#crossings circle").count()
        )
        assert pg.locator("#traffic-chart svg polyline").count() == 1
        _shot(pg, "dashboard-not-available")
    assert blocked == []
