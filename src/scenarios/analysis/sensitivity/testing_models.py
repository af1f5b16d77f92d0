"""Benchmark models with known sensitivity indices, to test the sensitivity adapter.

The Ishigami function (Ishigami and Homma 1990) on ``x_i ~ U(-pi, pi)``::

    f(x) = sin(x1) + a sin(x2)^2 + b x3^4 sin(x1)

is the standard check of Sobol' estimators (SALib ships it for the same purpose).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scenarios.analysis.sampling.distributions import Distribution, Uniform


def ishigami(X: np.ndarray | pd.DataFrame, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """Evaluate the Ishigami function on each row of ``X`` (first three columns).

    Parameters
    ----------
    X : numpy.ndarray or pandas.DataFrame, shape (n, 3)
    a, b : float
        Shape constants; the analytic indices below are for the defaults.

    Returns
    -------
    numpy.ndarray, shape (n,)

    Examples
    --------
    >>> ishigami(np.array([[np.pi / 2, np.pi / 2, 0.0]])).tolist()
    [8.0]
    """
    x = np.asarray(X, dtype=float)
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> dict[str, np.ndarray]:
    """Analytic first-order (``S1``) and total (``ST``) Sobol' indices of :func:`ishigami`."""
    pi4 = np.pi**4
    v1 = 0.5 * (1 + b * pi4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi4**2 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return {"S1": np.array([v1, v2, 0.0]) / v, "ST": np.array([v1 + v13, v2, v13]) / v}


ISHIGAMI_S1 = np.array([0.3139, 0.4424, 0.0])
"""First-order indices of :func:`ishigami` at a=7, b=0.1 (4 decimals)."""
ISHIGAMI_ST = np.array([0.5576, 0.4424, 0.2437])
"""Total indices of :func:`ishigami` at a=7, b=0.1 (4 decimals)."""


def ishigami_uncertainties() -> dict[str, Distribution]:
    """The Ishigami inputs ``x1, x2, x3 ~ U(-pi, pi)``."""
    return {f"x{i}": Uniform(dist="uniform", low=-np.pi, high=np.pi) for i in (1, 2, 3)}
