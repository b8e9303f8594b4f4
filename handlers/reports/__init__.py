"""Reports on check-ins: /summary (with `summary_cards` and `summary_lists`), /export as CSV
and XLSX, and /chart."""
