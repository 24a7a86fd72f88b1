"""The unit's own record files: cell parsers and formats, intake with quarantine and report."""
