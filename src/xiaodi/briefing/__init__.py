"""工作简报: the Word briefing (and its tables as Excel) an office sends upward, written from the ledger."""
