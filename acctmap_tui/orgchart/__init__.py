"""Pure, deterministic text layout of the reports-to tree."""
