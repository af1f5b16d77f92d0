"""Colours, names and sizes shared by every plot: Okabe-Ito, readable at memo size (7 x 4 in)."""

from __future__ import annotations

from scenarios.config.labels import COUNTRY_NAMES

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

# One fixed colour per country, so a country keeps its colour across every plot of a report.
COUNTRY_COLORS = {
    "USA": OKABE_ITO["blue"],
    "CHN": OKABE_ITO["vermillion"],
    "DEU": OKABE_ITO["bluish_green"],
    "JPN": OKABE_ITO["orange"],
    "KOR": OKABE_ITO["reddish_purple"],
    "IND": OKABE_ITO["sky_blue"],
    "WLD": "#555555",
}

# Scenario overlays cycle through the palette (yellow last: weakest contrast on white).
SCENARIO_COLORS = [
    OKABE_ITO[k]
    for k in ("blue", "vermillion", "bluish_green", "orange", "reddish_purple", "sky_blue", "black")
]

FIGSIZE = (7.0, 4.0)
DPI = 150
FONTSIZE = {"title": 10.0, "label": 8.5, "tick": 8.0, "legend": 7.5, "annotation": 7.0, "note": 6.0}
HISTORY_STYLE = "-"
PROJECTION_STYLE = "--"
BAND_ALPHA = {0.5: 0.35, 0.9: 0.15}


def country_color(code: str, index: int = 0) -> str:
    """Colour of a country, falling back to the scenario cycle for countries without one."""
    return COUNTRY_COLORS.get(code, SCENARIO_COLORS[index % len(SCENARIO_COLORS)])


def scenario_color(index: int) -> str:
    """Colour of the ``index``-th scenario of an overlay."""
    return SCENARIO_COLORS[index % len(SCENARIO_COLORS)]


def country_name(code: str) -> str:
    """Readable name of an ISO3 code (the code itself when unknown)."""
    return COUNTRY_NAMES.get(code, code)
