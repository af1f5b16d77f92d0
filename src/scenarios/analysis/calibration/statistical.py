"""An established statistical forecaster in the rolling backtest: statsforecast's AutoETS
(exponential smoothing with the state-space form chosen by AICc) on log MVA.

statsforecast is an optional extra: ``pip install "mfg-scenarios[forecast]"``. It declares
pandas<3, so pip resolves pandas 2.x with it; the calls here also run under pandas 3.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scenarios.analysis.calibration.rolling import HORIZONS, LEVELS, Panel, run_lengths
from scenarios.errors import ScenariosError

MIN_HISTORY = 10
"""Contiguous years an AutoETS fit needs before an origin."""
_INTERVALS = [10, 20, 30, 40, 50, 60, 70, 80, 90]  # central intervals -> quantiles 0.05 .. 0.95


def _require_statsforecast():
    try:
        from statsforecast import StatsForecast
        from statsforecast.models import AutoETS
    except ImportError:
        raise ScenariosError(
            "the AutoETS benchmark needs statsforecast, which is not installed",
            hint='install the extra: pip install "mfg-scenarios[forecast]", or leave out --ets',
        ) from None
    return StatsForecast, AutoETS


def auto_ets(panel: Panel, first_origin: int) -> tuple[np.ndarray, np.ndarray]:
    """AutoETS forecasts of log MVA and their quantiles at :data:`LEVELS`, from every origin
    from ``first_origin`` on with :data:`MIN_HISTORY` contiguous years.

    Returns
    -------
    (forecast, quantiles)
        Shapes (countries, years, H) and (countries, years, H, levels); NaN where not fitted.
    """
    stats_forecast, model = _require_statsforecast()
    runs = run_lengths(panel.log)
    n_c, n_y = panel.log.shape
    frames, keys = [], []
    for c, t in zip(
        *np.nonzero((runs >= MIN_HISTORY) & (panel.years >= first_origin)[None, :]), strict=True
    ):
        history = panel.log[c, t - runs[c, t] + 1 : t + 1]
        key = len(keys)
        keys.append((c, t))
        frames.append(pd.DataFrame({"unique_id": key, "ds": np.arange(len(history)), "y": history}))
    forecast = np.full((n_c, n_y, HORIZONS), np.nan)
    quantiles = np.full((n_c, n_y, HORIZONS, len(LEVELS)), np.nan)
    if not frames:
        return forecast, quantiles
    fitted = stats_forecast(models=[model(season_length=1)], freq=1, n_jobs=1).forecast(
        df=pd.concat(frames, ignore_index=True), h=HORIZONS, level=_INTERVALS
    )
    fitted = fitted.sort_values(["unique_id", "ds"])
    ids = fitted["unique_id"].to_numpy().reshape(-1, HORIZONS)[:, 0]
    where = np.array([keys[i] for i in ids])
    mean = fitted["AutoETS"].to_numpy().reshape(-1, HORIZONS)
    forecast[where[:, 0], where[:, 1]] = mean
    columns = [f"AutoETS-lo-{level}" for level in reversed(_INTERVALS)] + [
        f"AutoETS-hi-{level}" for level in _INTERVALS
    ]
    bounds = np.stack([fitted[col].to_numpy().reshape(-1, HORIZONS) for col in columns], axis=-1)
    # lo-90 .. lo-10, then hi-10 .. hi-90 = quantiles 0.05 .. 0.45, 0.55 .. 0.95; 0.50 = the mean
    quantiles[where[:, 0], where[:, 1]] = np.concatenate(
        [bounds[..., :9], mean[..., None], bounds[..., 9:]], axis=-1
    )
    return forecast, quantiles
