"""docs/data.md is generated from the schema declarations and must match them."""

from __future__ import annotations

from borderflow.data import TABLE_SOURCES
from borderflow.data._datadoc import DOC_PATH, render_data_doc


def test_committed_doc_is_the_rendered_one() -> None:
    # If this fails, run: python -m borderflow.data._datadoc
    assert DOC_PATH.read_text(encoding="utf-8") == render_data_doc()


def test_doc_names_every_table_and_column() -> None:
    text = render_data_doc()
    for source in TABLE_SOURCES:
        assert f"### `{source.table.name}`" in text
        for col in source.table.columns:
            assert f"| `{col.name}` | {col.type} |" in text
