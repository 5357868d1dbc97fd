//! Records → polars DataFrames with one schema whatever the source; CSV (and Parquet) writers.
