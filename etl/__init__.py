"""ETL: read, validate and load files into the DuckDB store. The only package that writes."""
