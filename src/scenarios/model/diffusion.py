"""The ``diffusion`` impact: institutes speed the adoption of advanced manufacturing technology,
and productivity growth rises with adoption.

Adoption A (the share of manufacturers that have adopted) follows the Bass model

    dA/dt = (p_t + q A) (1 - A),    p_t = p_0 + p_I I_t,

with external influence p_t raised by the country's active institutes I_t, imitation q, and A_0
from the data. Within a year p_t is constant, and each year is stepped with the model's exact
solution: (A + p/q) / (1 - A) grows by exp(p + q). With p = 0 this is the logistic
A_t = 1 / (1 + (1 - A_0) / A_0 exp(-q t)).

The baseline MVA already holds adoption at the base year's institutes I_0 (path Ã); the program
adds productivity growth beta (A_t - Ã_t), so MVA_t = MVA_base_t prod_{s <= t} (1 + beta (A_s - Ã_s)).
"""

from __future__ import annotations

import numpy as np

from scenarios.errors import ConfigError
from scenarios.model.parameters import ParameterView


def bass_step(
    adoption: np.ndarray, external: np.ndarray, imitation: np.ndarray, out: np.ndarray
) -> np.ndarray:
    """Adoption one year on, from ``adoption`` under constant ``external`` p and ``imitation`` q
    (exact: (A + p/q) / (1 - A) grows by exp(p + q)), into ``out``."""
    c = external / imitation
    grown = (adoption + c) / (1 - adoption) * np.exp(external + imitation)
    np.divide(1 + c, 1 + grown, out=out)  # 1 - A'
    np.subtract(1, out, out=out)
    return out


def adoption_path(
    adoption_0: np.ndarray,
    institutes: np.ndarray,
    external: np.ndarray,
    per_institute: np.ndarray,
    imitation: np.ndarray,
) -> np.ndarray:
    """Adoption over years 0..T (n, T+1) from ``adoption_0`` (n,) and active institutes (n, T+1);
    the year-t step uses the institutes of year t. Parameters are (n,) or (1,)."""
    path = np.empty(institutes.shape, order="F")
    by_year, institutes_by_year = path.T, institutes.T
    by_year[0] = adoption_0
    for t in range(1, len(by_year)):
        p = external + per_institute * institutes_by_year[t]
        bass_step(by_year[t - 1], p, imitation, out=by_year[t])
    return path


def _adoption_0(p: ParameterView, country: str) -> np.ndarray:
    path = f"diffusion.adoption.{country}"
    if not p.has(path):
        raise ConfigError(
            f"the diffusion impact needs the base-year adoption share of {country}",
            path=p.path(path),
            hint=f"set impact.diffusion.adoption.{country} to a share between 0 and 1 "
            "(e.g. 0.324: US small and medium manufacturers using cloud technology, seed 001)",
        )
    share = p.get(path)
    if not ((share > 0) & (share < 1)).all():
        raise ConfigError(
            f"an adoption share must lie strictly between 0 and 1 (got {share.min():.4g} to "
            f"{share.max():.4g})",
            path=p.path(path),
            hint="give the share of manufacturers that had adopted in the base year, e.g. 0.324",
        )
    return share


def diffusion(
    p: ParameterView,
    mva_base: np.ndarray,
    capital: np.ndarray,
    capital_0: np.ndarray,
    *,
    institutes: np.ndarray,
    country: str,
) -> np.ndarray:
    """MVA_t = MVA_base_t prod_{s <= t} (1 + beta (A_s - Ã_s)): adoption with the institutes of
    each year against adoption with the base year's institutes held."""
    external, per_institute, imitation, beta = (
        p.get(f"diffusion.{name}")
        for name in ("external", "per_institute", "imitation", "productivity")
    )
    adoption_0 = _adoption_0(p, country)
    held = np.broadcast_to(institutes[:, :1], institutes.shape)
    gap = adoption_path(adoption_0, institutes, external, per_institute, imitation)
    gap -= adoption_path(adoption_0, held, external, per_institute, imitation)
    gap *= beta[:, None]
    gap += 1
    mva = np.cumprod(gap, axis=1)
    mva *= mva_base
    return mva
