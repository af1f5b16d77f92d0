"""Growth uncertainty pooled over similar countries: the largest economies' draws come from the
largest economies' errors, by hand on a synthetic panel and against the measured coverage on
every UN AMA country."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scenarios.analysis.calibration.learned import (
    DRAW_LEVELS,
    growth_defaults,
    growth_draws,
    interval_coverage,
    peers_at,
    pooled_errors,
)
from scenarios.analysis.calibration.rolling import HORIZONS, PEERS, Panel, largest
from scenarios.analysis.calibration.skill import rolling_backtest

YEARS = np.arange(1970, 2024)
N_BIG, N_SMALL = 30, 60


def _panel() -> Panel:
    """30 large economies growing as random walks with a fixed drift; 60 small ones, 1000 times
    smaller, whose drift jumps every 8 years: their 10-year errors are wider for their volatility."""
    rng = np.random.default_rng(1717)
    n_years = len(YEARS) - 1
    steps = rng.normal(0.02, 0.03, (N_BIG + N_SMALL, n_years))
    regimes = rng.normal(0.0, 0.04, (N_SMALL, n_years // 8 + 1))
    steps[N_BIG:] += np.repeat(regimes, 8, axis=1)[:, :n_years]
    log = np.concatenate([np.zeros((N_BIG + N_SMALL, 1)), np.cumsum(steps, axis=1)], axis=1)
    log[N_BIG:] -= np.log(1000.0)
    names = [f"B{i:02d}" for i in range(N_BIG)] + [f"S{i:02d}" for i in range(N_SMALL)]
    return Panel.from_table(pd.DataFrame(np.exp(log).T, index=YEARS, columns=names))


def _hand_peer_errors(log: np.ndarray) -> np.ndarray:
    """last_cagr's standardized 10-year errors of the 30 large countries, loop by loop."""
    out = []
    for c in range(N_BIG):
        for o in range(len(YEARS) - HORIZONS):
            if YEARS[o] < 1995 or o < 20:
                continue
            growth = np.diff(log[c, o - 20 : o + 1])
            vol = 1.4826 * np.median(np.abs(growth - np.median(growth)))
            forecast = log[c, o] + HORIZONS * (log[c, o] - log[c, o - 5]) / 5
            out.append((log[c, o + HORIZONS] - forecast) / vol)
    return np.array(out)


def test_peer_draws_are_the_peers_quantiles_by_hand() -> None:
    panel = _panel()
    result = rolling_backtest(panel)
    peers = largest(panel.log)
    assert peers[:N_BIG].all() and not peers[N_BIG:].any()  # the large ones, every year
    assert peers_at(result, 2023) == {f"B{i:02d}" for i in range(N_BIG)}
    z = _hand_peer_errors(panel.log)
    np.testing.assert_allclose(
        np.sort(pooled_errors(result, "last_cagr", members=peers)), np.sort(z), rtol=1e-9
    )
    g, vol = 0.015, 0.03
    draws = growth_draws(result, "last_cagr", g, vol, peers)
    expected = np.expm1(np.log1p(g) + vol * np.quantile(z, DRAW_LEVELS) / HORIZONS)
    np.testing.assert_allclose(draws, expected, atol=5e-6)
    everyone = growth_draws(result, "last_cagr", g, vol)
    assert draws[-1] - draws[0] < 0.8 * (everyone[-1] - everyone[0])  # the peers' are narrower


def test_the_peer_pool_covers_the_peers_nominally_where_the_all_pool_over_covers() -> None:
    coverage = interval_coverage(rolling_backtest(_panel()), "last_cagr")
    rows = coverage.set_index(["group", "interval", "horizon"])["coverage_90"]
    group = f"largest {PEERS}"
    assert rows[(group, "learned_peers", HORIZONS)] == pytest.approx(0.9, abs=0.04)
    assert rows[(group, "learned", HORIZONS)] > 0.96
    assert rows[(group, "guessed", HORIZONS)] < 0.8
    cells = coverage.set_index(["group", "horizon"])["cells"].loc[(group, HORIZONS)].to_numpy()
    assert (cells == cells[0]).all()  # each group's intervals on the same cells


def test_peer_pooled_coverage_on_every_un_country(un_backtest) -> None:
    """The 90 % intervals of the baseline's methods for the 30 largest at each origin: the peer
    pool near nominal at 10 years, the all-country pool over-covering (coverage.csv)."""
    result = un_backtest
    for method, peer_pool, all_pool in (("constant_20", 0.903, 0.970), ("last_cagr", 0.868, 0.979)):
        rows = interval_coverage(result, method).set_index(["group", "interval", "horizon"])
        group = rows.xs(f"largest {PEERS}")["coverage_90"]
        assert group[("learned_peers", 10)] == pytest.approx(peer_pool, abs=5e-4)
        assert group[("learned", 10)] == pytest.approx(all_pool, abs=5e-4)
    defaults = growth_defaults(result, "baseline")
    assert {"USA", "CHN", "DEU"} <= peers_at(result, 2023)
    assert {d.pool for k, d in defaults.items() if k != "WLD"} == {f"the {PEERS} largest by MVA"}
    assert defaults["WLD"].pool == "all countries"
    usa = defaults["USA"]
    peer_z = pooled_errors(result, "constant_20", members=largest(result.panel.log))
    assert usa.draws[0] == pytest.approx(
        np.expm1(np.log1p(usa.g) + usa.volatility * np.quantile(peer_z, 0.025) / 10), abs=5e-6
    )
