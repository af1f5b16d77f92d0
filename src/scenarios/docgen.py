"""Generate the config reference (docs/config.md) from the pydantic schema.

Run ``python -m scenarios.docgen > docs/config.md``. Everything in the page comes from the code
as it is now: the models of :mod:`scenarios.config.schema` (field names, types, defaults,
constraints, class docstrings and ``Field(description=...)``), the sampleable parameter paths of
:mod:`scenarios.config.checks`, the distributions of :mod:`scenarios.analysis.sampling` and the registered
growth and impact components. ``tests/test_docs.py`` fails when the page is stale.

Field descriptions come from ``Field(description=...)`` when the schema gives one, else from
:data:`NOTES` below (short explanations keyed by ``Model.field``), else the cell is left blank.
"""

from __future__ import annotations

import inspect
import json
import sys
import types
import typing
from collections.abc import Iterator

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from scenarios.analysis.sampling import DISTRIBUTIONS
from scenarios.config import schema
from scenarios.config.checks import SAMPLEABLE
from scenarios.model.growth import GROWTH
from scenarios.model.impact import IMPACT

# Short descriptions of fields the schema does not describe itself (a Field description wins).
NOTES: dict[str, str] = {
    "Spec.name": "Scenario name; the run folder is runs/<name>/: 1 to 100 letters, digits, `_`, `-` or `.`, not starting with `.` or `-`.",
    "Spec.description": "One or two sentences shown in reports and `scenarios list`.",
    "Spec.source": "The source document the figures come from (a seed file name).",
    "Spec.horizon": "Last projected year.",
    "Spec.base_year": "Last observed year used as the launch point; default: the last year in "
    "which every modelled country has MVA data.",
    "Spec.history_start": "First observed year carried into the results (growth `from_data` windows may start earlier).",
    "Spec.seed": "Random seed of ensembles and AR(1) shocks: same config + same seed, same numbers.",
    "Spec.reference": "Name of the scenario this one is compared with (delta metrics, BCR).",
    "Spec.data": "Which dataset and edition to read.",
    "Spec.countries": "Modelled economies by ISO3 code (WLD = rest of the world).",
    "Spec.programs": "Innovation-institute programs by key (manufacturing_usa, china_mic, fraunhofer, ...).",
    "Spec.impact": "How program spend changes MVA.",
    "Spec.money": "Conversion of nominal budgets to constant 2015 USD.",
    "Spec.metrics": "Which years, windows and pairs the metrics report.",
    "Spec.uncertainties": "Dotted parameter path -> distribution (see 'Uncertainties' below).",
    "Spec.correlations": "Rank correlations between uncertain parameters: [path_a, path_b, rho].",
    "DataSettings.path": "A dataset folder made by `scenarios data import`; default: the embedded data.",
    "DataSettings.edition": "Series edition, e.g. 'UN AMA through2024' or 'WDI 2025-07'; "
    "default: the dataset's default edition. Editions are never mixed.",
    "Country.growth": "Baseline growth component.",
    "Country.shocks": "Optional AR(1) noise on the growth rate.",
    "Growth.kind": "A registered growth component: constant, convergence, trend, or your own.",
    "Growth.g": "constant: growth rate (fraction per year).",
    "Growth.g0": "convergence: initial growth rate at the base year.",
    "Growth.g_lr": "convergence: long-run growth rate.",
    "Growth.tau": "convergence: time constant in years.",
    "Growth.window": "trend: [start, end] years of the log-linear fit.",
    "Growth.from_data": "Take g (constant) or g0 (convergence) from the observed CAGR over a window.",
    "Growth.params": "Parameters of a registered component of your own (countries.<ISO3>.growth.params.<name>).",
    "FromData.window": "[start, end] observed years.",
    "Shocks.sigma": "Standard deviation of the annual shock (fraction per year).",
    "Shocks.rho": "Persistence of the shock.",
    "Program.country": "ISO3 code of the economy whose MVA the program affects.",
    "Program.label": "Name in plots and reports.",
    "Program.history": "founding_years: institutes from institutes.csv; counts: counts by year "
    "(fraunhofer.csv); none: no history.",
    "Program.new_institute_budget": "Money for new institutes (a Budget or a list of Budgets).",
    "Program.base_funding": "Recurring federal funding of the existing network.",
    "Program.cost_per_institute": "Federal cost of one institute over its funding period, "
    "USD million, constant 2015 prices.",
    "Program.funding_years": "Years of federal funding per institute before exit.",
    "Program.profile": "front_loaded: linear taper to zero (the exit mechanism); flat: equal shares.",
    "Program.match_ratio": "Non-federal money per federal dollar.",
    "Program.launch_lag": "Years from committing money to launching the institute.",
    "Program.cap": "Network cap: nothing is launched past it.",
    "Program.survival": "Probability an institute stays active after federal exit.",
    "Program.sustainment": "Non-federal operating budget a year of each newly funded institute "
    "that survives federal exit, USD million, constant 2015 prices.",
    "Program.plan": "A stated plan: target institutes by a year, then a pace (see Plan).",
    "Plan.target": "Institutes the network reaches by year `by`.",
    "Plan.by": "The plan's target year.",
    "Plan.pace_after": "New institutes a year after `by` (0: a plateau).",
    "Program.unknown": "Figures the sources do not give; each must have a range in uncertainties.",
    "Budget.total": "A total spread evenly over start..end.",
    "Budget.annual": "The same amount every year from start to end.",
    "Budget.per_year": "Explicit amounts by year.",
    "Budget.institutes_per_year": "A launch pace; budget = pace x cost_per_institute.",
    "Budget.start": "First year of the budget.",
    "Budget.end": "Last year of the budget (inclusive).",
    "Budget.currency": "Currency of the amounts.",
    "Budget.dollar_year": "Price year of all amounts (an appropriation); default: nominal in the "
    "year spent.",
    "Budget.scale": "Multiplier on the whole path (sampleable as <program>.<budget>.scale).",
    "Impact.kind": "A registered impact component: rate_of_return, elasticity, diffusion, none, "
    "or your own.",
    "Impact.rho": "rate_of_return: extra MVA per dollar of innovation capital, per year.",
    "Impact.theta": "elasticity: elasticity of MVA with respect to innovation capital.",
    "Impact.delta": "Depreciation rate of innovation capital (perpetual inventory).",
    "Impact.lag": "Years from spend to capital.",
    "Impact.spend": "Which spend builds capital: total (federal + match) or federal only.",
    "Impact.diffusion": "diffusion: technology adoption and its productivity effect (see Diffusion).",
    "Diffusion.adoption": "Base-year adoption share by country (ISO3 -> share in (0, 1)).",
    "Diffusion.external": "Bass external influence p0 without institutes, per year.",
    "Diffusion.per_institute": "External influence added per active institute, per year.",
    "Diffusion.imitation": "Bass imitation q, per year.",
    "Diffusion.productivity": "Productivity growth per unit of adoption above the path with the "
    "base year's institutes (beta).",
    "Impact.params": "Parameters of a registered component of your own (impact.params.<name>).",
    "Money.exchange_rates": "USD per unit of currency.",
    "Money.inflation": "Deflator growth after the last observed year.",
    "MetricSettings.years": "Years at which levels (MVA, institutes, shares) are reported.",
    "MetricSettings.windows": "[start, end] windows of CAGRs and CAGR gaps.",
    "MetricSettings.pairs": "[a, b] country pairs for gaps, ratios and crossover years.",
    "MetricSettings.reference_country": "Country whose program intensity is the index base (1.0).",
    "MetricSettings.discount_rate": "Discount rate of the benefit-cost ratio.",
}

HEADER = """\
# Config reference

<!-- GENERATED by `python -m scenarios.docgen > docs/config.md` from src/scenarios/config/schema.py.
     Do not edit by hand: tests/test_docs.py fails when this page differs from the generator. -->

A scenario config is a YAML file validated against the pydantic model `Spec`. Unknown keys are
errors (with a "did you mean"). `extends: parent.yaml` merges a parent config first (the child's
keys win, mappings are merged key by key, a distribution replaces the parent's as a whole, and a
key set to `null` drops the parent's, such as an uncertainty the child does not want, with the
parent's `correlations` on it);
`--set dotted.path=value` on the command line (or
`overrides=[...]` in `scenarios.run`) changes any value last. Money is in USD million at constant
2015 prices unless a budget's `currency` / `dollar_year` says otherwise; rates are fractions
(0.015, not 1.5); years are integers.

Every value has a dotted path (`programs.manufacturing_usa.cost_per_institute`); the same path
is used by `--set`, by `uncertainties` and by sensitivity analysis.
"""


def _type_name(annotation: object) -> str:
    """A readable type: ``float | None``, ``dict[str, float]``, ``'front_loaded' | 'flat'``."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if annotation is type(None):
        return "None"
    if origin is typing.Literal:
        return " \\| ".join(json.dumps(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        return " \\| ".join(_type_name(a) for a in args)
    if origin is typing.Annotated:  # Year: int with its bounds
        bounds = [
            f"{word} {getattr(m, attr)}"
            for info in args[1:]
            for m in getattr(info, "metadata", [info])
            for attr, word in _BOUNDS.items()
            if getattr(m, attr, None) is not None
        ]
        return f"{_type_name(args[0])} ({', '.join(bounds)})" if bounds else _type_name(args[0])
    if origin is not None:
        name = getattr(origin, "__name__", str(origin))
        return f"{name}[{', '.join(_type_name(a) for a in args)}]"
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation)


def _plain(value: object) -> object:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _default(field) -> str:
    if field.is_required():
        return "**required**"
    value = field.default
    if value is PydanticUndefined and field.default_factory is not None:
        value = field.default_factory()
    if value is None:
        return "null"
    return f"`{json.dumps(_plain(value))}`"


_BOUNDS = {
    "gt": ">",
    "ge": ">=",
    "lt": "<",
    "le": "<=",
    "min_length": "min length",
    "max_length": "max length",
    "pattern": "pattern",
}


def _constraints(field) -> str:
    parts = []
    for item in field.metadata:
        for attr, word in _BOUNDS.items():
            value = getattr(item, attr, None)
            if value is not None:
                parts.append(f"{word} `{value}`" if attr == "pattern" else f"{word} {value}")
    return ", ".join(parts)


def _models(annotation: object) -> Iterator[type[BaseModel]]:
    """Pydantic models inside an annotation (``Budget | list[Budget] | None`` -> Budget)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _models(arg)


def _walk(
    model: type[BaseModel], path: str, found: dict[type[BaseModel], list[str]]
) -> dict[type[BaseModel], list[str]]:
    """Models in document order (depth first), each with every dotted path it is found at."""
    first = model not in found
    paths = found.setdefault(model, [])
    if path not in paths:
        paths.append(path)
    if not first:
        return found
    for name, field in model.model_fields.items():
        for sub in _models(field.annotation):
            keyed = typing.get_origin(field.annotation) is dict
            child = f"{path}.{name}" if path else name
            _walk(sub, f"{child}.<key>" if keyed else child, found)
    return found


def _doc(obj: object) -> str:
    """The docstring, with reST ``literals`` as Markdown `literals`."""
    return inspect.cleandoc(obj.__doc__ or "").replace("``", "`")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def model_section(model: type[BaseModel], paths: list[str]) -> str:
    """One model as a Markdown section: docstring and a table of its fields."""
    where = (
        ", ".join(f"`{p}`" for p in paths) if paths != [""] else "the top level of a config file"
    )
    lines = [f"## `{model.__name__}`", "", f"At {where}.", ""]
    if _doc(model):
        lines += [_doc(model), ""]
    lines += ["| key | type | default | constraints | description |", "|---|---|---|---|---|"]
    for name, field in model.model_fields.items():
        key = field.alias or name
        description = field.description or NOTES.get(f"{model.__name__}.{name}", "")
        lines.append(
            f"| `{key}` | {_type_name(field.annotation)} | {_default(field)} | "
            f"{_constraints(field)} | {_cell(description)} |"
        )
    return "\n".join(lines) + "\n"


def uncertainty_section() -> str:
    """The sampleable paths and the distributions (from checks.SAMPLEABLE and sampling)."""
    lines = [
        "## Uncertainties",
        "",
        "`uncertainties` maps a dotted parameter path to a distribution. These are the paths "
        "the model reads per sample (`*` is one key: an ISO3 code or a program key); any other "
        'path is an error with a "did you mean".',
        "",
    ]
    lines += [f"- `{p}`" for p in SAMPLEABLE]
    lines += [
        "",
        "Distributions (`dist:` and its keys):",
        "",
        "| dist | keys | description |",
        "|---|---|---|",
    ]
    for name, cls in DISTRIBUTIONS.items():
        keys = []
        for field_name, field in cls.model_fields.items():
            if field_name == "dist":
                continue
            key = field.alias or field_name
            keys.append(
                f"`{key}`"
                if field.is_required()
                else f"`{key}` (default {_default(field).strip('`')})"
            )
        lines.append(f"| `{name}` | {', '.join(keys)} | {_cell(_doc(cls))} |")
    lines += [
        "",
        "```yaml",
        "uncertainties:",
        "  impact.rho: {dist: uniform, low: 0.1, high: 0.6}",
        "  programs.manufacturing_usa.match_ratio: {dist: triangular, low: 1.0, mode: 1.3, high: 4.6}",
        "  programs.china_mic.cost_per_institute: {dist: lognormal, median: 400, sigma: 0.7}",
        "correlations:",
        "  - [impact.rho, impact.delta, 0.3]",
        "```",
    ]
    return "\n".join(lines) + "\n"


def components_section() -> str:
    """The growth and impact components that ship with the package."""
    lines = [
        "## Components",
        "",
        "`growth.kind` and `impact.kind` choose a registered component. Built in:",
        "",
        "| key | kind | equation |",
        "|---|---|---|",
    ]
    for key, table in (("growth.kind", GROWTH), ("impact.kind", IMPACT)):
        for kind, fn in table.items():
            if not fn.__module__.startswith("scenarios.model."):
                continue  # registered at run time by a user, not part of the package
            first = _doc(fn).split("\n\n")[0] if fn.__doc__ else ""
            lines.append(f"| `{key}` | `{kind}` | {_cell(first)} |")
    lines += [
        "",
        "Add your own with `scenarios.register_growth` / `scenarios.register_impact` "
        "(see docs/model.md and notebooks/04_add_a_country_or_component.ipynb).",
    ]
    return "\n".join(lines) + "\n"


def generate() -> str:
    """The whole config reference as Markdown."""
    sections = [HEADER]
    for model, paths in _walk(schema.Spec, "", {}).items():
        sections.append(model_section(model, paths))
    sections.append(uncertainty_section())
    sections.append(components_section())
    return "\n".join(sections)


def main() -> None:
    sys.stdout.write(generate())


if __name__ == "__main__":
    main()
