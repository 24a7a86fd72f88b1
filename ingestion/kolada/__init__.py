"""Öppna jämförelser from the Kolada API v3: client (paging, 25-id segments), extract, load."""
