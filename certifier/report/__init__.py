"""Reports of readiness decisions, one module per format, all registered in ``FORMATS``."""

from miready.certifier.report.formats import FORMATS, render
from miready.certifier.report.model import AppReport, Report, build_report

__all__ = ["FORMATS", "AppReport", "Report", "build_report", "render"]
