"""Report pages, one self-contained HTML file each, the answer first: ``page`` holds the shared
chrome (CSS, the answer box, tables, figures, sources), and one module per kind of report
(run, compare, sensitivity, stress, audit, backtest, solve) writes its page."""

from scenarios.outputs.report.audit import write_audit_report
from scenarios.outputs.report.backtest import write_backtest_report
from scenarios.outputs.report.compare import COMPARE_CAPTIONS, compare_row, write_compare_report
from scenarios.outputs.report.page import CSS, format_value, probability
from scenarios.outputs.report.run import (
    CAPTIONS,
    KEY_METRICS,
    MIC_CAVEAT,
    STATISTICS,
    caveats,
    metrics_table,
    point_section,
    policy_lines,
    policy_section,
    resolved_yaml,
    write_report,
)
from scenarios.outputs.report.solve import SOLVE_CAPTIONS, write_solve_report
from scenarios.outputs.report.stress import write_stress_report

__all__ = [
    "CAPTIONS",
    "COMPARE_CAPTIONS",
    "CSS",
    "KEY_METRICS",
    "MIC_CAVEAT",
    "SOLVE_CAPTIONS",
    "STATISTICS",
    "caveats",
    "compare_row",
    "format_value",
    "metrics_table",
    "point_section",
    "policy_lines",
    "policy_section",
    "probability",
    "resolved_yaml",
    "write_audit_report",
    "write_backtest_report",
    "write_compare_report",
    "write_report",
    "write_solve_report",
    "write_stress_report",
]
