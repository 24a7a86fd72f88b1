"""The quality gate's expectation suites: the one place where they are listed, one module per
source (scb, records, fees, kolada) over expectations/base.py. docs/quality.md lists every check."""

from __future__ import annotations

from expectations.base import Check, Params, severity_of
from expectations.fees import fee_checks
from expectations.kolada import kolada_checks
from expectations.records import records_checks
from expectations.scb import scb_checks

__all__ = ["Check", "Params", "checks", "severity_of"]


def checks(p: Params) -> list[Check]:
    return [*scb_checks(p), *records_checks(p), *fee_checks(p), *kolada_checks(p)]
