"""Write the engine's golden numbers: ``python benchmarks/make_golden.py tests/golden/engine_golden.npz``.

tests/test_ensemble.py checks that the engine reproduces these numbers bit for bit. They were
written by the engine before its speed work (the per-year loops over fancy indexing, one
allocation per step), with the model as it then stood, each variable over every year (observed
history, then the model's years: :func:`scenarios.results.full_series`). Re-run this only when
the model's numbers change on purpose, and say so in the commit.
"""

import sys

import numpy as np

from scenarios import api
from scenarios.results import full_series

out = sys.argv[1]
EXTRA = {
    "impact.lag": {"dist": "choice", "values": [0, 1, 2, 3]},
    "programs.manufacturing_usa.funding_years": {"dist": "choice", "values": [3, 5, 7]},
    "programs.manufacturing_usa.launch_lag": {"dist": "choice", "values": [0, 1, 2]},
    "programs.manufacturing_usa.profile": {"dist": "choice", "values": ["flat", "front_loaded"]},
    "countries.USA.shocks.sigma": {"dist": "uniform", "low": 0.0, "high": 0.02},
}
SHOCKS = [
    "countries.CHN.shocks.sigma=0.02",
    "countries.CHN.shocks.rho=0.5",
    "countries.WLD.shocks.sigma=0.003",
]
arrays = {}


def add(case, r):
    for v in (
        "mva",
        "mva_baseline",
        "growth",
        "innovation_capital",
        "institutes_active",
        "institutes_launched",
        "spend_federal",
        "spend_total",
    ):
        arrays[f"{case}/{v}"] = full_series(r.results, v).values  # history, then the model
    arrays[f"{case}/metrics"] = r.metrics["value"].to_numpy()


add("nnmi_full45_n32", api.run("nnmi_full45", samples=32))
add("baseline_det", api.run("baseline"))
add("fraunhofer_parity_lhs32", api.run("fraunhofer_parity", samples=32, method="lhs"))
spec = api.load_config("nnmi_full45", SHOCKS)
spec = spec.model_copy(update={"uncertainties": {**spec.uncertainties, **EXTRA}})
add("shocks_lags_n32", api.run(spec, samples=32, with_reference=False))
add(
    "elasticity_det",
    api.run(
        "nnmi_full45",
        overrides=["impact.kind=elasticity", "impact.theta=0.07"],
        with_reference=False,
    ),
)
np.savez_compressed(out, **arrays)
