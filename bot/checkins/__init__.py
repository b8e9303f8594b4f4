"""Progress check-ins: cadence periods, answer parsing, prompts and summaries."""
