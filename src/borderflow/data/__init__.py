"""Everything that reads files: shipped sources, the DuckDB warehouse, scenario files."""
