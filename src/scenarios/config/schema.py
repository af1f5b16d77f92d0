"""The scenario config schema: pydantic models with ``extra="forbid"``.

Every number has a dotted path (``programs.manufacturing_usa.cost_per_institute``), so that
``--set`` overrides, ``uncertainties`` and sensitivity analysis speak the same language.
Money is in USD million unless a ``currency`` key says otherwise; rates are fractions.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FIRST_YEAR, LAST_YEAR = 1900, 2200  # any year in a config: the data start in 1970
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
Window = tuple[Year, Year]
MAX_SEED = 2**63 - 1  # numpy seeds and the int64 seed attribute of results.nc
RUN_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}")
RUN_NAME_RULE = (
    "a run name is one folder name: 1 to 100 letters, digits, '_', '-' or '.', "
    "not starting with '.' or '-' (e.g. nnmi_full45)"
)


class Strict(BaseModel):
    """Base model: unknown keys are errors."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False
    )  # .nan / .inf are errors


class FromData(Strict):
    """Take a growth rate from the observed CAGR over a window of the data."""

    window: Window


class Growth(Strict):
    """Baseline growth of a country's MVA; ``kind`` picks a registered component.

    ``constant``: g (or ``from_data``). ``convergence``: g(t) = g_lr + (g0 - g_lr) exp(-(t - t0)/tau),
    g0 given or ``from_data``. ``trend``: log-linear fit over ``window``.
    """

    kind: str
    g: float | None = None
    g0: float | None = None
    g_lr: float | None = None
    tau: float | None = Field(default=None, gt=0)
    window: Window | None = None
    from_data: FromData | None = None
    params: dict[str, float] = {}


class Shocks(Strict):
    """AR(1) noise on the growth rate: e_t = rho e_{t-1} + sigma z_t (seeded)."""

    sigma: float = Field(default=0.0, ge=0)
    rho: float = Field(default=0.0, gt=-1, lt=1)


class Country(Strict):
    """A modelled economy (ISO3 key). ``WLD`` models the rest of the world; see the docs."""

    growth: Growth
    shocks: Shocks = Shocks()


class Budget(Strict):
    """A money path: exactly one of ``total`` (spread evenly over start..end), ``annual``,
    ``per_year`` or ``institutes_per_year`` (a launch pace: budget = pace x cost per institute).

    Amounts are nominal in ``currency``; with ``dollar_year`` all of them are in that year's
    prices (an appropriation), otherwise each is nominal in the year it is spent.
    """

    total: float | None = Field(default=None, ge=0)
    annual: float | None = Field(default=None, ge=0)
    per_year: dict[Year, float] | None = None
    institutes_per_year: float | None = Field(default=None, ge=0)
    start: Year | None = None
    end: Year | None = None
    currency: Literal["USD", "EUR", "CNY"] = "USD"
    dollar_year: Year | None = None
    scale: float = Field(default=1.0, ge=0)

    @model_validator(mode="after")
    def _one_kind(self) -> Budget:
        given = [
            k
            for k in ("total", "annual", "per_year", "institutes_per_year")
            if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of total, annual, per_year, institutes_per_year"
                + (f" (got {', '.join(given)})" if given else "")
            )
        if self.per_year is None and (self.start is None or self.end is None):
            raise ValueError(f"'{given[0]}' needs start and end years")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        if self.per_year is not None and any(v < 0 for v in self.per_year.values()):
            raise ValueError("per_year amounts must be >= 0")
        return self


BudgetPath = Budget | list[Budget]


class Plan(Strict):
    """A stated plan for the network: ``target`` institutes by year ``by`` (launched evenly over the
    years after the last known launch), then ``pace_after`` new institutes a year (0: a plateau)."""

    target: float = Field(ge=0)
    by: Year
    pace_after: float = Field(default=0.0, ge=0)


class Program(Strict):
    """An innovation-institute program: history from data plus a pipeline of new institutes.

    ``base_funding`` is the recurring federal funding of the existing network (its base-year value
    sets the steady-state innovation capital); ``new_institute_budget`` funds new institutes at
    ``cost_per_institute`` (constant 2015 USD million of federal money over ``funding_years``).
    A list of budgets adds up segments (e.g. the status quo until 2025, then a new level).
    ``sustainment``: the non-federal operating budget a year (constant 2015 USD million) of each
    newly funded institute that survives its federal exit. ``plan``: launches by a stated plan.
    """

    country: str
    label: str
    history: Literal["founding_years", "counts", "none"] = "founding_years"
    new_institute_budget: BudgetPath | None = None
    base_funding: BudgetPath | None = None
    cost_per_institute: float | None = Field(default=None, gt=0)
    funding_years: int = Field(default=5, ge=1, le=15)
    profile: Literal["front_loaded", "flat"] = "front_loaded"
    match_ratio: float = Field(default=1.0, ge=0)
    launch_lag: int = Field(default=1, ge=0, le=10)
    cap: int | None = Field(default=None, ge=0)
    survival: float = Field(default=1.0, ge=0, le=1)
    sustainment: float = Field(default=0.0, ge=0)
    plan: Plan | None = None
    unknown: list[str] = []


class Diffusion(Strict):
    """Bass adoption dA/dt = (p + q A)(1 - A) with p = ``external`` + ``per_institute`` x active
    institutes and q = ``imitation``; productivity growth rises by ``productivity`` x the change in
    adoption. ``adoption``: the base-year adoption share by country (ISO3 -> share in (0, 1))."""

    adoption: dict[str, Annotated[float, Field(gt=0, lt=1)]] = {}
    external: float = Field(default=0.02, ge=0)
    per_institute: float = Field(default=0.0005, ge=0)
    imitation: float = Field(default=0.38, gt=0)
    productivity: float = Field(default=0.02, ge=0)


class Impact(Strict):
    """How program spend changes MVA through innovation capital K_t = (1-delta) K_{t-1} + S_{t-lag}."""

    kind: str = "rate_of_return"
    rho: float = 0.2
    theta: float = 0.05
    delta: float = Field(default=0.15, gt=0, le=1)
    lag: int = Field(default=1, ge=0, le=10)
    spend: Literal["total", "federal"] = "total"
    diffusion: Diffusion = Diffusion()
    params: dict[str, float] = {}


Currency = Literal["USD", "EUR", "CNY"]
EXCHANGE_RATES: dict[Currency, float] = {"USD": 1.0, "EUR": 1.08, "CNY": 0.139}  # USD per unit


class Money(Strict):
    """Conversion of nominal budgets to constant 2015 USD."""

    exchange_rates: dict[Currency, Annotated[float, Field(gt=0)]] = EXCHANGE_RATES
    inflation: float = Field(default=0.02, gt=-0.5, lt=1)

    @field_validator("exchange_rates")
    @classmethod
    def _every_currency(cls, rates: dict[Currency, float]) -> dict[Currency, float]:
        """A currency the config leaves out keeps its default rate (budgets may use any of them)."""
        return {**EXCHANGE_RATES, **rates}


class MetricSettings(Strict):
    """Which years, windows and country pairs the metrics report."""

    years: list[Year] = [2030, 2035, 2040]
    windows: list[Window] = [(2025, 2035)]
    pairs: list[tuple[str, str]] = [("CHN", "USA")]
    reference_country: str = "USA"
    discount_rate: float = Field(default=0.03, ge=0, lt=1)

    @model_validator(mode="after")
    def _windows_forward(self) -> MetricSettings:
        for start, end in self.windows:
            if end <= start:
                raise ValueError(f"window [{start}, {end}]: end must be after start")
        return self


class DataSettings(Strict):
    """Which dataset the run reads: the embedded one or a directory made by ``data import``."""

    path: str | None = None
    edition: str | None = None


class Spec(Strict):
    """A resolved scenario: the validated config after ``extends`` and overrides."""

    name: str
    description: str = ""
    source: str = ""
    horizon: int = Field(default=2040, ge=1990, le=LAST_YEAR)
    base_year: Year | None = None
    history_start: int = Field(default=2010, ge=1970, le=LAST_YEAR)
    seed: int = Field(default=0, ge=0, le=MAX_SEED)
    reference: str | None = None
    data: DataSettings = DataSettings()
    countries: dict[str, Country] = Field(min_length=1)
    programs: dict[str, Program] = {}
    impact: Impact = Impact()
    money: Money = Money()
    metrics: MetricSettings = MetricSettings()
    uncertainties: dict[str, dict[str, Any]] = {}
    correlations: list[tuple[str, str, float]] = []

    @field_validator("name")
    @classmethod
    def _one_folder_name(cls, name: str) -> str:
        if not RUN_NAME.fullmatch(name):
            raise ValueError(RUN_NAME_RULE)
        return name
