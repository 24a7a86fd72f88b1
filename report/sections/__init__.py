"""The report's sections, one module each, over report/base.py."""
