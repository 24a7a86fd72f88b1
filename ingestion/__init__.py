"""Extraction, landing and loading for the FoU Nordväst warehouse."""
