"""Statistics of confirmed findings: queries, the statistics paragraph, charts, the ledger export."""
