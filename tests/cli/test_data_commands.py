"""CLI data commands: ports, traffic, facts (Typer CliRunner on the real warehouse_path)."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from borderflow import shipped_data_dir
from borderflow.cli import app

DATA = shipped_data_dir()
runner = CliRunner()


def _crossing_rows() -> list[dict[str, str]]:
    with gzip.open(DATA / "crossings" / "us_canada_crossings.csv.gz", "rt", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_ports_json_lists_all_crossings() -> None:
    res = runner.invoke(app, ["ports", "--json"])
    assert res.exit_code == 0, res.output
    recs = json.loads(res.stdout)
    assert len(recs) == 127
    assert sum(r["mode"] == "road" for r in recs) == 120
    assert all(r["canada_name"] is None for r in recs)


def test_ports_state_filter_counts_match_file() -> None:
    res = runner.invoke(app, ["ports", "--state", "wa", "--json"])
    assert res.exit_code == 0
    want = [r["crossing_id"] for r in _crossing_rows() if r["us_state"] == "WA"]
    assert [r["crossing_id"] for r in json.loads(res.stdout)] == want


def test_ports_table_and_no_match() -> None:
    res = runner.invoke(app, ["ports", "blaine"], env={"COLUMNS": "200"})
    assert res.exit_code == 0
    assert "Blaine-Peace Arch" in res.stdout and "Blaine-Pacific Highway" in res.stdout
    assert "pax 10" in res.stdout  # CBP max passenger lanes at Peace Arch
    bad = runner.invoke(app, ["ports", "Atlantis"])
    assert bad.exit_code == 1 and "Atlantis" in bad.stderr


def test_traffic_csv_matches_source_file(warehouse_path: Path) -> None:
    res = runner.invoke(
        app,
        [
            "traffic",
            "3004",
            "--from",
            "2019-01",
            "--to",
            "2019-12",
            "--format",
            "csv",
            "--db",
            str(warehouse_path),
        ],
    )
    assert res.exit_code == 0, res.output
    got = list(csv.DictReader(io.StringIO(res.stdout)))
    assert len(got) == 12 and {r["measure"] for r in got} == {"Personal Vehicles"}
    raw = pd.read_csv(
        DATA / "bts_border_crossing/Border_Crossing_Entry_Data_1996-01_2024-02.csv.gz",
        dtype={"Port Code": str},
    )
    sel = raw[
        (raw["Port Code"] == "3004")
        & (raw["Measure"] == "Personal Vehicles")
        & raw["Date"].str.endswith("2019")
    ]
    assert sum(int(r["value"]) for r in got) == int(sel["Value"].sum())


def test_traffic_json_by_name_several_measures(warehouse_path: Path) -> None:
    res = runner.invoke(
        app,
        [
            "traffic",
            "Peace Arch",
            "-m",
            "Trucks",
            "-m",
            "Buses",
            "--from",
            "2023-01",
            "--format",
            "json",
            "--db",
            str(warehouse_path),
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["port_code"] == "3004" and "U.S.-bound" in doc["source"]
    raw = pd.read_csv(
        DATA / "bts_border_crossing/Border_Crossing_Entry_Data_1996-01_2024-02.csv.gz",
        dtype={"Port Code": str},
    )
    sel = raw[
        (raw["Port Code"] == "3004")
        & raw["Measure"].isin(["Trucks", "Buses"])
        & (pd.to_datetime(raw["Date"], format="%b %Y") >= "2023-01-01")
    ]
    assert len(doc["rows"]) == len(sel)
    assert sum(r["value"] for r in doc["rows"]) == int(sel["Value"].sum())
    assert doc["period"] == "2023-01 to 2024-02"


def test_traffic_spark_and_chart(warehouse_path: Path, tmp_path: Path) -> None:
    png = tmp_path / "blaine.png"
    res = runner.invoke(
        app,
        [
            "traffic",
            "Blaine",
            "--from",
            "2019-01",
            "--to",
            "2019-12",
            "--spark",
            "--chart",
            str(png),
            "--db",
            str(warehouse_path),
        ],
        env={"COLUMNS": "200"},
    )
    assert res.exit_code == 0, res.output
    line = next(x for x in res.stdout.splitlines() if x.startswith("Personal Vehicles"))
    assert sum(ch in "▁▂▃▄▅▆▇█" for ch in line) == 12
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_traffic_errors(warehouse_path: Path, tmp_path: Path) -> None:
    amb = runner.invoke(app, ["traffic", "Fort", "--db", str(warehouse_path)])
    assert amb.exit_code == 1
    assert "0110" in amb.stderr and "Fort Kent" in amb.stderr and "3417" in amb.stderr
    unknown = runner.invoke(app, ["traffic", "Atlantis", "--db", str(warehouse_path)])
    assert unknown.exit_code == 1 and "Atlantis" in unknown.stderr
    bad_m = runner.invoke(app, ["traffic", "3004", "-m", "Camels", "--db", str(warehouse_path)])
    assert bad_m.exit_code == 1 and "Camels" in bad_m.stderr
    bad_month = runner.invoke(
        app, ["traffic", "3004", "--from", "2019/01", "--db", str(warehouse_path)]
    )
    assert bad_month.exit_code == 1 and "YYYY-MM" in bad_month.stderr
    missing = runner.invoke(app, ["traffic", "3004", "--db", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 1 and "borderflow load" in missing.stderr


def test_facts_json_records(warehouse_path: Path) -> None:
    res = runner.invoke(app, ["facts", "--json", "--db", str(warehouse_path)])
    assert res.exit_code == 0, res.output
    recs = json.loads(res.stdout)
    keys = {
        "claim",
        "fact_sheet_figure",
        "data_figure",
        "unit",
        "period",
        "source",
        "status",
        "note",
    }
    assert all(set(r) == keys for r in recs)
    trade = [r for r in recs if r["claim"].startswith("trade") and r["period"] == "2019"]
    assert len(trade) == 1 and trade[0]["data_figure"] == pytest.approx(612 / 365, abs=0.01)
    road = next(r for r in recs if "road crossings" in r["claim"])
    assert road["fact_sheet_figure"] == 120 and road["data_figure"] == 120


def test_facts_table(warehouse_path: Path) -> None:
    res = runner.invoke(app, ["facts", "--db", str(warehouse_path)], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "5,525" in res.stdout and "consistent" in res.stdout and "not checkable" in res.stdout


def test_ports_sized_booths_are_labelled(warehouse_path: Path) -> None:
    res = runner.invoke(app, ["ports", "Blaine", "--sized", "--json", "--db", str(warehouse_path)])
    assert res.exit_code == 0, res.output
    recs = {r["crossing_id"]: r["sized_us_bound_booths"] for r in json.loads(res.stdout)}
    label = "sized: rule booths-from-peak-hour v1 (assumption)"
    assert all(v["label"] == label for r in recs.values() for v in r.values())
    # Peace Arch lists no commercial lanes in CBP's feed: no trucks assigned, no booths.
    assert recs["3005"]["commercial"]["value"] == 0
    assert recs["3004"]["commercial"]["value"] >= 1
    # Booths meet the 0.85 target and one fewer would not (the rule's definition).
    pax = recs["3005"]["passenger"]
    load = pax["demand_veh_per_h"] * pax["service_time_min"] / 60
    assert load / pax["value"] <= 0.85 < load / (pax["value"] - 1)
    table = runner.invoke(
        app, ["ports", "Blaine", "--sized", "--db", str(warehouse_path)], env={"COLUMNS": "250"}
    )
    assert label in table.stdout


# --- issue 7 item 9: output at 80 columns, markup in user text --------------------------


def _at_80(args: list[str]) -> list[str]:
    res = runner.invoke(app, args, env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert max(len(x) for x in lines) <= 80
    return lines


def _whole(words: set[str], lines: list[str]) -> set[str]:
    """The words that appear nowhere in the output in one piece."""
    return {w for w in words if not any(w in line for line in lines)}


def test_ports_at_80_columns_keep_every_word_whole(warehouse_path: Path) -> None:
    from borderflow.data import load_registry

    crossings = load_registry().search(None, None)
    words = {w for c in crossings for w in (c.us_name + " " + c.lanes_summary()).split()}
    assert "Blaine-Peace" in words
    for args in (["ports"], ["ports", "--sized", "--db", str(warehouse_path)]):
        lines = _at_80(args)
        assert _whole(words, lines) == set(), args
        assert not any("…" in x for x in lines)


def test_traffic_and_facts_at_80_columns(warehouse_path: Path) -> None:
    from borderflow.data import all_facts, connect_readonly

    measures = ["Personal Vehicle Passengers", "Truck Containers Loaded", "Trucks", "Buses"]
    args = ["traffic", "3004", "--from", "2023-01", "--db", str(warehouse_path)]
    for m in measures:
        args += ["-m", m]
    lines = _at_80(args)
    assert _whole({w for m in measures for w in m.split()}, lines) == set()
    assert sum(x.startswith("2023-") for x in lines) == 12

    con = connect_readonly(warehouse_path)
    try:
        records = all_facts(con)
    finally:
        con.close()
    checks = [r for r in records if r.status != "context"]
    compact = _at_80(["facts", "--db", str(warehouse_path)])
    # one table row per check (a few lines each) instead of 319 lines
    assert len(compact) <= 4 * len(checks) + 10
    assert _whole({w for r in checks for w in r.claim.split()}, compact) == set()
    assert "partial" in "\n".join(compact) and "--full" in "\n".join(compact)
    full = _at_80(["facts", "--full", "--db", str(warehouse_path)])
    text = "\n".join(full)
    assert all(f"{i}. " in text for i in range(1, len(records) + 1))
    assert _whole({w for r in records for w in r.claim.split()}, full) == set()


def test_traffic_chart_alone_prints_no_table(warehouse_path: Path, tmp_path: Path) -> None:
    png = tmp_path / "c.png"
    base = ["traffic", "3004", "--chart", str(png), "--db", str(warehouse_path)]
    res = runner.invoke(app, base, env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == "" and "chart written" in res.stderr
    assert png.read_bytes()[:4] == b"\x89PNG"
    both = runner.invoke(app, [*base, "--format", "table"], env={"COLUMNS": "80"})
    assert sum(x.startswith("2019-") for x in both.stdout.splitlines()) == 12


def test_user_text_with_markup_is_printed_verbatim(warehouse_path: Path) -> None:
    res = runner.invoke(app, ["traffic", "[bold]Atlantis", "--db", str(warehouse_path)])
    assert res.exit_code == 1 and "'[bold]Atlantis'" in res.stderr
    res = runner.invoke(app, ["ports", "[red]Nowhere[/red]"])
    assert res.exit_code == 1 and "[red]Nowhere[/red]" in res.stderr
    res = runner.invoke(app, ["traffic", "3004", "-m", "[i]Camels", "--db", str(warehouse_path)])
    assert res.exit_code == 1 and "[i]Camels" in res.stderr
