"""Pure computations over the store: a read-only connection or DataFrames in, DataFrames out."""
