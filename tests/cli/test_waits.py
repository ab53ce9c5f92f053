"""``borderflow waits`` through Typer's CliRunner (small model patched in)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

import borderflow.demand as demand
from borderflow.cli import app
from borderflow.data import DataFormatError
from borderflow.demand import WaitModel, WaitSeries, read_wait_history

runner = CliRunner()
HEADER = "hour_start,crossing,direction,lane,delay_min,source\n"


@pytest.fixture
def patched(
    monkeypatch: pytest.MonkeyPatch, small_hourly_model: WaitModel, small_daily_model: WaitModel
) -> None:
    models = {"hourly": small_hourly_model, "daily": small_daily_model}
    monkeypatch.setattr(demand, "wait_model", lambda resolution, progress=None: models[resolution])


def _write_hourly(path: Path, series: WaitSeries, first: dt.datetime, last: dt.datetime) -> None:
    part = series.until(last).since(first)
    lines = [HEADER]
    for t, v in zip(part.times(), part.values["general"], strict=True):
        val = "" if v != v else f"{v:.1f}"
        lines.append(f"{t:%Y-%m-%d %H:%M:%S},Peace Arch,Southbound,Cars (general),{val},test\n")
    path.write_text("".join(lines))


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_every_hour_and_truncated_file_gives_same_digits(
    patched: None, hourly_shipped: WaitSeries, tmp_path: Path
) -> None:
    full = tmp_path / "full.csv"
    _write_hourly(full, hourly_shipped, dt.datetime(2017, 1, 1), dt.datetime(2017, 12, 31, 23))
    args = ["waits", "Peace Arch", "--from", "2017-03-10", "--to", "2017-03-12"]
    res = runner.invoke(app, [*args, "--history", str(full), "--lead", "168", "--csv"])
    assert res.exit_code == 0, res.output
    rows = _rows(res.stdout)
    assert list(rows[0]) == ["hour_start", "delay_min", "lo", "hi"]
    assert len(rows) == 72
    assert rows[0]["hour_start"] == "2017-03-10 00:00:00"
    assert rows[-1]["hour_start"] == "2017-03-12 23:00:00"
    assert all(float(r["lo"]) <= float(r["delay_min"]) <= float(r["hi"]) for r in rows)
    # cut the file just after h - lead for the last hour: its line is unchanged
    cut = tmp_path / "cut.csv"
    _write_hourly(cut, hourly_shipped, dt.datetime(2017, 1, 1), dt.datetime(2017, 3, 5, 23))
    res2 = runner.invoke(app, [*args, "--history", str(cut), "--lead", "168", "--csv"])
    assert res2.exit_code == 0, res2.output
    assert _rows(res2.stdout)[-1] == rows[-1]


def test_daily_canada_bound_csv(patched: None) -> None:
    res = runner.invoke(
        app,
        [
            "waits",
            "Peace Arch",
            "--direction",
            "Canada-bound",
            "--daily",
            "--from",
            "2019-07-01",
            "--to",
            "2019-07-03",
            "--lead",
            "7",
            "--csv",
        ],
    )
    assert res.exit_code == 0, res.output
    rows = _rows(res.stdout)
    assert list(rows[0]) == ["date", "lane", "delay_min", "lo", "hi"]
    assert [(r["date"], r["lane"]) for r in rows[:2]] == [
        ("2019-07-01", "general"),
        ("2019-07-01", "nexus"),
    ]
    assert len(rows) == 6
    assert "ahead" in res.stderr


def test_at_prints_lanes_and_the_model(patched: None) -> None:
    res = runner.invoke(app, ["waits", "Peace Arch", "--at", "2019-07-05 14:30"])
    assert res.exit_code == 0, res.output
    for text in ("US-bound", "Canada-bound", "nexus", "general", "stats", "80%"):
        assert text in res.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["waits", "Blaine Pacific Highway", "--at", "2019-07-05 14:00", "--model", "stats"],
            "Peace Arch only",
        ),
        (
            ["waits", "Peace Arch", "--at", "2019-07-05 14:00", "--model", "twin", "--lead", "1"],
            "belong to --model stats",
        ),
        (
            [
                "waits",
                "Peace Arch",
                "--direction",
                "Canada-bound",
                "--from",
                "2019-01-01",
                "--to",
                "2019-01-02",
            ],
            "--daily",
        ),
        (["waits", "Peace Arch", "--from", "2019-01-05", "--to", "2019-01-01"], "before"),
        (["waits", "Peace Arch", "--from", "2019-13-01", "--to", "2019-01-01"], "--from"),
        (
            ["waits", "Peace Arch", "--from", "2019-01-01", "--to", "2019-01-02", "--lead", "0"],
            "--lead",
        ),
    ],
)
def test_clean_errors(patched: None, args: list[str], message: str) -> None:
    res = runner.invoke(app, args)
    assert res.exit_code == 1
    assert message in res.stderr
    assert "Traceback" not in res.output


def test_malformed_history_names_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER
        + "2019-01-01 00:00:00,Peace Arch,Southbound,Cars (general),1.0,x\n"
        + "2019-01-01 01:00:00,Peace Arch,Southbound,Cars (general),abc,x\n"
    )
    with pytest.raises(DataFormatError) as err:
        read_wait_history(bad, "hourly")
    assert err.value.line == 3
    assert err.value.column == "delay_min"
    assert "bad.csv" in str(err.value)


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("2019-01-01 01:00:00,Peace Arch,Northbound,Cars (general),1.0,x\n", "direction"),
        ("2019-01-01 01:00:00,Pacific Highway,Southbound,Cars (general),1.0,x\n", "crossing"),
    ],
)
def test_other_direction_or_crossing_is_refused(tmp_path: Path, row: str, column: str) -> None:
    path = tmp_path / "h.csv"
    path.write_text(HEADER + "2019-01-01 00:00:00,Peace Arch,Southbound,Cars (general),1,x\n" + row)
    with pytest.raises(DataFormatError) as err:
        read_wait_history(path, "hourly")
    assert err.value.line == 3
    assert err.value.column == column


def test_cli_history_error_is_clean(patched: None, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "01/01/2019 00:00,Peace Arch,Southbound,Cars (general),1.0,x\n")
    res = runner.invoke(
        app,
        [
            "waits",
            "Peace Arch",
            "--from",
            "2019-01-01",
            "--to",
            "2019-01-02",
            "--history",
            str(bad),
            "--csv",
        ],
    )
    assert res.exit_code == 1
    assert "bad.csv" in res.stderr and "line 2" in res.stderr
    assert res.stdout == ""


def test_header_only_history_is_an_empty_history(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(HEADER)
    assert len(read_wait_history(path, "hourly")) == 0
    path.write_text("when,delay\n")
    with pytest.raises(DataFormatError):
        read_wait_history(path, "hourly")


def test_history_rows_the_shipped_data_covers_are_ignored(
    small_hourly_model: WaitModel, hourly_shipped: WaitSeries
) -> None:
    # the model's data ends 2016-12-31: a history that rewrites 2016 changes nothing
    fake = hourly_shipped.until(dt.datetime(2016, 12, 31, 23)).since(dt.datetime(2016, 6, 1))
    fake = WaitSeries("hourly", fake.start, {"general": fake.values["general"] * 0 + 60.0})
    a = demand.forecast_waits(small_hourly_model, dt.date(2017, 1, 2), dt.date(2017, 1, 3))
    b = demand.forecast_waits(
        small_hourly_model, dt.date(2017, 1, 2), dt.date(2017, 1, 3), history=fake
    )
    assert (a.delay_min == b.delay_min).all()


def test_at_csv_uses_history_of_its_direction(
    patched: None, hourly_shipped: WaitSeries, tmp_path: Path
) -> None:
    hist = tmp_path / "h.csv"
    _write_hourly(hist, hourly_shipped, dt.datetime(2017, 1, 1), dt.datetime(2017, 7, 1, 23))
    res = runner.invoke(
        app,
        ["waits", "Peace Arch", "--at", "2017-07-05 14:10", "--history", str(hist), "--csv"],
    )
    assert res.exit_code == 0, res.output
    rows = _rows(res.stdout)
    # the Canada-bound data starts in 2018: that direction is skipped, and says so
    assert [(r["direction"], r["lane"]) for r in rows] == [("US-bound", "general")]
    assert "Canada-bound" in res.stderr and "2018-01-01" in res.stderr
    assert rows[0]["period"] == "14:00–15:00"
    # newest U.S.-bound observation 2017-07-01 23:00: 3 days 15 hours before 14:00
    assert rows[0]["basis"] == "3.6 days after newest data"
    assert all(r["model"] == "stats" for r in rows)
    res = runner.invoke(app, ["waits", "Peace Arch", "--at", "2019-07-05 14:10", "--csv"])
    assert [(r["direction"], r["lane"]) for r in _rows(res.stdout)] == [
        ("US-bound", "general"),
        ("Canada-bound", "general"),
        ("Canada-bound", "nexus"),
    ]


def test_direction_aliases(patched: None) -> None:
    res = runner.invoke(
        app,
        [
            "waits",
            "Peace Arch",
            "--direction",
            "northbound",
            "--daily",
            "--from",
            "2019-07-01",
            "--to",
            "2019-07-01",
            "--csv",
        ],
    )
    assert res.exit_code == 0, res.output
    assert len(_rows(res.stdout)) == 2


def test_twin_waits_agree_with_predict_waits(warehouse_path: Path) -> None:
    from borderflow.data import connect_readonly
    from borderflow.plan import predict_waits

    args = ["waits", "3802", "--at", "2019-07-12 16:00", "--csv", "--db", str(warehouse_path)]
    res = runner.invoke(app, args)  # Port Huron: no wait history, so the twin by default
    assert res.exit_code == 0, res.output
    got = {r["lane_type"]: r for r in csv.DictReader(io.StringIO(res.stdout))}
    con = connect_readonly(warehouse_path)
    try:
        p = predict_waits(con, "3802", dt.date(2019, 7, 12), replications=10)
    finally:
        con.close()
    want = [r for r in p.rows if r.hour_start.hour == 16]
    assert set(got) == {r.lane_type for r in want}
    for r in want:
        assert float(got[r.lane_type]["delay_min"]) == pytest.approx(r.delay_min, abs=0.05)
        assert got[r.lane_type]["model"] == "twin"
        assert got[r.lane_type]["status"] == "modelled only"
    # A day range as CSV: every local hour and lane type of the day.
    res = runner.invoke(
        app,
        ["waits", "3802", "--from", "2019-07-12", "--to", "2019-07-12", "--csv", "-r", "2",
         "--db", str(warehouse_path)],
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert res.exit_code == 0 and len(rows) == 24 * len(want)
    assert set(rows[0]) == {"hour_start", "lane_type", "delay_min", "lo", "hi"}
    # The statistical model is for Peace Arch only.
    res = runner.invoke(app, ["waits", "3802", "--model", "stats", "--at", "2019-07-12 16:00"])
    assert res.exit_code == 1 and "--model twin" in res.output


def _write_north(path: Path, last: str) -> None:
    """The shipped northbound rows of 2019-H1 moved 52 weeks on (to 2019-12-31 ..
    2020-06-28, same weekdays), in the shipped file's own columns, up to ``last``."""
    import gzip

    from borderflow._config import shipped_data_dir

    src = sorted((shipped_data_dir() / "cascade_gateway").glob("peacearch_N_cars_*.csv.gz"))
    lines = gzip.decompress(src[-1].read_bytes()).decode("utf-8-sig").splitlines()
    out = [lines[0]]
    for ln in lines[1:]:
        if ln[:4] != "2019":
            continue
        day = dt.date.fromisoformat(ln[:10]) + dt.timedelta(weeks=52)
        if day.isoformat() <= last:
            out.append(day.isoformat() + ln[10:])
    path.write_text("\n".join(out) + "\n")


def test_daily_command_of_the_issue_with_a_history_file_and_a_truncated_one(
    tmp_path: Path,
) -> None:
    """The real daily model (nothing to fit) through the documented command."""
    full = tmp_path / "north.csv"
    _write_north(full, "2020-06-28")
    args = ["waits", "Peace Arch", "--direction", "Canada-bound", "--daily"]
    args += ["--from", "2020-06-01", "--to", "2020-06-28", "--lead", "7", "--csv"]
    res = runner.invoke(app, [*args, "--history", str(full)])
    assert res.exit_code == 0, res.output
    rows = _rows(res.stdout)
    assert len(rows) == 56
    assert all(float(r["lo"]) <= float(r["delay_min"]) <= float(r["hi"]) for r in rows)
    assert "forecast 7 to" in res.stderr  # 7, more after the few missing June days
    # the file cut after 2020-06-14 = 21 June - 7 days: every line up to 21 June is
    # unchanged; later days (cutoffs after the cut) see less
    cut = tmp_path / "cut.csv"
    _write_north(cut, "2020-06-14")
    res2 = runner.invoke(app, [*args, "--history", str(cut)])
    assert res2.exit_code == 0, res2.output
    rows2 = _rows(res2.stdout)
    upto = [i for i, r in enumerate(rows) if r["date"] <= "2020-06-21"]
    assert len(upto) == 42
    assert [rows2[i] for i in upto] == [rows[i] for i in upto]
    assert rows2[len(upto) :] != rows[len(upto) :]


def test_daily_first_days_of_the_data_are_a_clean_error() -> None:
    args = ["waits", "Peace Arch", "--direction", "Canada-bound", "--daily"]
    res = runner.invoke(app, [*args, "--from", "2018-01-03", "--to", "2018-01-10", "--csv"])
    assert res.exit_code == 1
    assert "2018-01-03 needs an observation at or before 2017-12-27" in res.output
