//! Rich output in evcxr notebooks: DataFrames as HTML tables, charts as inline SVG.
