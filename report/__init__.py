"""The steering-group report (Swedish, HTML + PDF) and the analysts' read-only SQL shell."""
