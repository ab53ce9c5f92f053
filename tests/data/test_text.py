"""The one text reader of the data layer: gzip by content, UTF-8 checked, clean errors."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from borderflow.data import DataFormatError, read_fact_sheet
from borderflow.data._text import read_text

TEXT = "Port Name,Value\nJackman,1\nQuébec,2\n"


def test_gzip_is_recognised_by_content_not_name(tmp_path: Path) -> None:
    plain_named_gz = tmp_path / "a.csv.gz"
    plain_named_gz.write_text(TEXT, encoding="utf-8")
    gz_named_csv = tmp_path / "b.csv"
    gz_named_csv.write_bytes(gzip.compress(TEXT.encode("utf-8")))
    bom = tmp_path / "c.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    assert read_text(plain_named_gz) == read_text(gz_named_csv) == read_text(bom) == TEXT


@pytest.mark.parametrize(
    ("data", "words", "line"),
    [
        (gzip.compress(TEXT.encode())[:-12], "truncated gzip", None),
        (b"\x1f\x8b" + b"garbage" * 3, "corrupt gzip", None),
        (TEXT.encode("latin-1"), "byte 0xe9", 3),
        (TEXT.encode("utf-16"), "UTF-16", 1),
    ],
    ids=["truncated", "corrupt", "latin-1", "utf-16"],
)
def test_bad_bytes_are_one_clean_error(
    tmp_path: Path, data: bytes, words: str, line: int | None
) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(data)
    with pytest.raises(DataFormatError, match=words) as info:
        read_text(path)
    assert info.value.path == path and info.value.line == line


def test_missing_file_names_what_it_is(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match=r"nope\.txt: cannot read the fact sheet"):
        read_fact_sheet(tmp_path / "nope.txt")
    plain = tmp_path / "fact-sheet.txt.gz"  # plain text with a .gz name now reads
    plain.write_text("no figures here", encoding="utf-8")
    with pytest.raises(DataFormatError, match="figure 'border_miles' not found"):
        read_fact_sheet(plain)
