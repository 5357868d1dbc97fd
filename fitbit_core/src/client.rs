//! The facade notebooks and the CLI use: open a config (or the demo), fetch records from whichever provider it names.
