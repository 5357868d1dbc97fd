//! Charts with plotters, rendered to SVG strings (inline in notebooks, files from the CLI).
