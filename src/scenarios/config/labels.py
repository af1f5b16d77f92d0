"""Human labels and units of config parameters, by dotted path: one registry for plots, tables,
the terminal and the explorer.

>>> describe("impact.rho").label
'Return on innovation capital, rho'
>>> describe("programs.manufacturing_usa.cost_per_institute").short
'Manufacturing USA: federal cost per institute'
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

COUNTRY_NAMES = {
    "USA": "United States",
    "CHN": "China",
    "DEU": "Germany",
    "JPN": "Japan",
    "KOR": "Korea, Rep.",
    "IND": "India",
    "WLD": "World",
}

PROGRAM_NAMES = {
    "manufacturing_usa": "Manufacturing USA",
    "china_mic": "China MICs",
    "fraunhofer": "Fraunhofer",
}

# pattern -> (label, units); "{country}" and "{program}" stand for the matched key's name.
PARAMETERS: dict[str, tuple[str, str]] = {
    "countries.*.growth.g": ("{country} MVA growth, g", "fraction per year"),
    "countries.*.growth.g0": ("{country} initial MVA growth, g0", "fraction per year"),
    "countries.*.growth.g_lr": ("{country} long-run MVA growth, g_lr", "fraction per year"),
    "countries.*.growth.tau": ("{country} convergence time, tau", "years"),
    "countries.*.shocks.sigma": ("{country} growth shock size, sigma", "fraction per year"),
    "countries.*.shocks.rho": ("{country} growth shock persistence, rho", "1"),
    "programs.*.cost_per_institute": (
        "{program}: federal cost per institute",
        "USD million, constant 2015 prices",
    ),
    "programs.*.match_ratio": ("{program}: non-federal match per federal dollar", "ratio"),
    "programs.*.funding_years": ("{program}: years of federal funding per institute", "years"),
    "programs.*.launch_lag": ("{program}: lag from funding to launch", "years"),
    "programs.*.cap": ("{program}: network cap", "institutes"),
    "programs.*.survival": ("{program}: survival after federal exit", "probability"),
    "programs.*.new_institute_budget.total": (
        "{program}: budget for new institutes",
        "USD million, nominal",
    ),
    "programs.*.new_institute_budget.annual": (
        "{program}: annual budget for new institutes",
        "USD million a year, nominal",
    ),
    "programs.*.new_institute_budget.institutes_per_year": (
        "{program}: pace of new institutes",
        "institutes a year",
    ),
    "programs.*.new_institute_budget.scale": ("{program}: budget for new institutes, scale", "x"),
    "programs.*.new_institute_budget.start": ("{program}: first budget year", "year"),
    "programs.*.new_institute_budget.end": ("{program}: last budget year", "year"),
    "programs.*.base_funding.scale": ("{program}: base funding, scale", "x"),
    "programs.*.base_funding.annual": (
        "{program}: base funding",
        "USD million a year, nominal",
    ),
    "programs.*.base_funding.*.annual": (
        "{program}: base funding",
        "USD million a year, nominal",
    ),
    "programs.*.sustainment": (
        "{program}: operating budget of a survivor after federal exit",
        "USD million a year, constant 2015 prices",
    ),
    "programs.*.plan.target": ("{program}: planned institutes", "institutes"),
    "programs.*.plan.pace_after": (
        "{program}: new institutes a year after the plan",
        "institutes a year",
    ),
    "impact.diffusion.adoption.*": ("{country} technology adoption in the base year", "share"),
    "impact.diffusion.imitation": ("Imitation in technology adoption, q", "per year"),
    "impact.diffusion.external": ("External influence on adoption, p", "per year"),
    "impact.diffusion.per_institute": ("External influence added per institute", "per year"),
    "impact.diffusion.productivity": (
        "Productivity growth per unit of adoption, beta",
        "fraction per year",
    ),
    "impact.rho": ("Return on innovation capital, rho", "fraction per year"),
    "impact.theta": ("Elasticity of MVA to innovation capital, theta", "1"),
    "impact.delta": ("Depreciation of innovation capital, delta", "fraction per year"),
    "impact.lag": ("Lag from spend to innovation capital", "years"),
    "money.inflation": ("Inflation after the base year", "fraction per year"),
    "metrics.discount_rate": ("Discount rate of the benefit-cost ratio", "fraction per year"),
}


@dataclass(frozen=True)
class Label:
    """How people read a parameter: ``label`` in full, ``short`` for a plot's tick, its ``units``
    and the dotted ``path`` it stands for."""

    path: str
    label: str
    short: str
    units: str


def describe(path: str, program_names: dict[str, str] | None = None) -> Label:
    """The label of a dotted path; an unknown path reads as itself, with no units.

    ``program_names`` gives a config's own program labels (``Program.label``) over the defaults.
    """
    parts = path.split(".")
    for pattern, (label, units) in PARAMETERS.items():
        if fnmatch.fnmatchcase(path, pattern) and len(parts) == pattern.count(".") + 1:
            key = parts[pattern.split(".").index("*")] if "*" in pattern else parts[1]
            names = {
                "country": COUNTRY_NAMES.get(key, key),
                "program": {**PROGRAM_NAMES, **(program_names or {})}.get(key, key),
            }
            full = label.format(**names)
            return Label(path, full, full.split(", ")[0] if ", " in full else full, units)
    return Label(path, path, path, "")
