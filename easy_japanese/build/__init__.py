"""Build scripts for the rewriter's data tables (run by hand; their outputs are committed)."""
