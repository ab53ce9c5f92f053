"""Readers of the BTS TransBorder Freight Data (national monthly series, raw dot1 file)."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from borderflow.data import _columns as colmap
from borderflow.data._csv import ReadResult, choice, code_lookup, read_raw_csv

__all__ = ["KG_PER_SHORT_TON", "read_transborder_monthly", "read_transborder_port_jan2015"]


def _schedule_d_code(text: str) -> str:
    # TransBorder uses 'ddXX' for "other ports of district dd".
    if not re.fullmatch(r"[0-9A-Za-z]{4}", text):
        raise ValueError("port code is not 4 letters/digits")
    return text.upper()


#: Kilograms per short ton (2000 lb x 0.45359237 kg/lb).
KG_PER_SHORT_TON = 907.18474


def read_transborder_monthly(path: Path | str) -> ReadResult:
    """Read the national TransBorder monthly series (country x mode x trade type).

    Parameters
    ----------
    path
        ``transborder_monthly_by_country_mode_*.csv.gz``.

    Returns
    -------
    ReadResult
        ``transborder_monthly`` rows (USD/month; weight in short tons and kg per month).
    """
    raw = read_raw_csv(path)
    cols = raw.resolve(colmap.TRANSBORDER_MONTHLY_COLUMNS)
    month = raw.integers(cols["month"])
    raw.check(pc.or_(pc.less(month, 1), pc.greater(month, 12)), cols["month"], "month not in 1..12")
    weight = raw.floats(cols["weight_short_tons"], nullable=True)
    table = pa.table(
        {
            "year": pc.cast(raw.integers(cols["year"]), pa.int32()),
            "month": pc.cast(month, pa.int32()),
            "country": raw.text(cols["country"]),
            "mode": raw.text(cols["mode"]),
            "trade_type": raw.by_value(
                cols["trade_type"], choice({"export": "export", "import": "import"}), pa.string()
            ),
            "value_usd": raw.floats(cols["value_usd"]),
            "weight_short_tons": weight,
            "weight_kg": pc.multiply(weight, KG_PER_SHORT_TON),
        }
    )
    return ReadResult(table, raw.path, raw.num_rows)


def read_transborder_port_jan2015(path: Path | str) -> ReadResult:
    """Read the raw TransBorder ``dot1`` file (January 2015, Canada rows), codes decoded.

    Parameters
    ----------
    path
        ``dot1_0115_canada.csv.gz``.

    Returns
    -------
    ReadResult
        ``transborder_port_jan2015`` rows (USD/month, kg/month).
    """
    raw = read_raw_csv(path)
    cols = raw.resolve(colmap.DOT1_COLUMNS)
    year = raw.integers(cols["year"])
    month = raw.integers(cols["month"])
    raw.check(pc.or_(pc.less(month, 1), pc.greater(month, 12)), cols["month"], "month not 1..12")
    first = pc.strptime(
        pc.binary_join_element_wise(
            pc.cast(year, pa.string()), pc.utf8_lpad(pc.cast(month, pa.string()), 2, "0"), "-"
        ),
        format="%Y-%m",
        unit="s",
    )
    df = raw.strings(cols["domestic_foreign"])
    raw.check(
        pc.invert(pc.is_in(df, value_set=pa.array(["", *colmap.DOT1_DOMESTIC_FOREIGN]))),
        cols["domestic_foreign"],
        "DF code is not 1, 2 or empty",
    )
    table = pa.table(
        {
            "month": pc.cast(first, pa.date32()),
            "trade_type": raw.by_value(
                cols["trade_type"], code_lookup(colmap.DOT1_TRADE_TYPES, "TRDTYPE"), pa.string()
            ),
            "us_state": raw.text(cols["us_state"]),
            "port_code": raw.by_value(cols["port_code"], _schedule_d_code, pa.string()),
            "mode": raw.by_value(
                cols["mode"], code_lookup(colmap.DOT1_MODES, "DISAGMOT"), pa.string()
            ),
            "canadian_province_code": raw.text(cols["canadian_province_code"]),
            "value_usd": raw.floats(cols["value_usd"]),
            "shipping_weight_kg": raw.floats(cols["shipping_weight_kg"]),
            "freight_charges_usd": raw.floats(cols["freight_charges_usd"]),
            "domestic_foreign": raw.by_value(
                cols["domestic_foreign"],
                lambda s: colmap.DOT1_DOMESTIC_FOREIGN.get(s),
                pa.string(),
            ),
            "container_code": raw.text(cols["container_code"]),
        }
    )
    return ReadResult(table, raw.path, raw.num_rows)
