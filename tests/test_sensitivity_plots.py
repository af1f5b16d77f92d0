"""The figures of a sensitivity analysis: one per output, drawn in one or two processes."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from scenarios.outputs.plotting.drivers import plot_drivers, plot_sensitivity, sensitivity_figures

matplotlib.use("Agg")

PARAMETERS = ["impact.rho", "impact.delta", "programs.manufacturing_usa.cost_per_institute"]


def indices(method: str = "sobol") -> xr.Dataset:
    s1, st = np.array([[0.1, 0.6, 0.0], [0.0, 0.0, 0.0]]), np.array([[0.2, 0.7, 0.05], [0, 0, 0]])
    names = ["S1", "ST"] if method == "sobol" else ["mu_star", "sigma"]
    data = {
        name: (("output", "parameter"), values)
        for name, values in zip(names, (s1, st), strict=True)
    }
    data.update({f"{k}_conf": (("output", "parameter"), np.full((2, 3), 0.01)) for k in names})
    return xr.Dataset(
        data,
        coords={
            "output": ["gap", "flat"],
            "parameter": PARAMETERS,
            "note": ("output", ["", "output is constant"]),
            "units": ("output", ["fraction per year", "count"]),
        },
        attrs={"method": method},
    ).where(lambda ds: ds["output"] == "gap")


def tornado() -> pd.DataFrame:
    """Swings of "gap": rho swings most, then delta, then the cost (the order of ST differs)."""
    return pd.DataFrame(
        {
            "output": "gap",
            "parameter": PARAMETERS,
            "low_value": [0.125, 0.12, 59.2],
            "high_value": [0.575, 0.26, 136.0],
            "y_low": [-4e-5, -2.5e-5, -3.1e-5],
            "y_high": [-1e-5, -3.5e-5, -2.9e-5],
            "y_center": -3e-5,
        }
    )


def test_drivers_put_both_panels_on_the_same_parameter_rows():
    ax = plot_drivers(indices(), tornado(), "gap")
    right = ax.figure.axes[1]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1].startswith("Depreciation")  # the largest ST (0.7) on top
    assert labels[-1].endswith("(12 % to 26 %)")  # with the tornado's settings
    assert labels[0].startswith("Manufacturing USA: federal cost")
    # the tornado bar of each row is that row's parameter: delta (top) low -2.5e-5, high -3.5e-5
    low_bars, high_bars = right.containers
    assert low_bars[-1].get_width() == pytest.approx(-2.5e-5 + 3e-5)
    assert high_bars[-1].get_width() == pytest.approx(-3.5e-5 + 3e-5)
    assert low_bars[0].get_width() == pytest.approx(-3.1e-5 + 3e-5)
    assert "percentage points a year" in right.get_xlabel()
    assert ax.get_ylim() == right.get_ylim()


def test_a_tornado_without_swing_says_so_around_its_value():
    flat = tornado().assign(y_low=2041.0, y_high=2041.0, y_center=2041.0)
    right = plot_drivers(indices(), flat, "gap").figure.axes[1]
    assert [t.get_text() for t in right.texts] == ["no single assumption moves it"]
    assert list(right.get_xticks()) == [2041.0]


def test_one_figure_per_output_with_indices_morris_keeps_its_scatter():
    names = [name for name, _ in sensitivity_figures(indices(), None, tornado())]
    assert names == ["drivers_gap"]  # "flat" has no indices: no figure
    morris = [name for name, _ in sensitivity_figures(indices("morris"), None, tornado())]
    assert morris == ["morris_gap", "tornado_gap"]


def test_two_processes_write_the_same_files_as_one(tmp_path):
    over_time = xr.Dataset(
        {"S1": (("output", "parameter", "year"), np.full((1, 3, 2), 0.2))},
        coords={"output": ["path"], "parameter": PARAMETERS, "year": [2030, 2031]},
    )
    written = {}
    for processes in (1, 2):
        folder = tmp_path / str(processes)
        folder.mkdir()
        paths = plot_sensitivity(indices(), over_time, tornado(), folder, processes=processes)
        assert list(paths) == ["drivers_gap", "over_time_path"]
        written[processes] = {name: path.read_bytes() for name, path in paths.items()}
    assert written[1] == written[2]


def test_a_second_process_only_when_a_core_is_free(monkeypatch):
    from scenarios.outputs.plotting import saving

    monkeypatch.setattr(saving.os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    monkeypatch.setattr(saving.os, "getloadavg", lambda: (0.4, 0.4, 0.4))
    assert saving.spare_processes() == 2
    monkeypatch.setattr(saving.os, "getloadavg", lambda: (1.5, 1.0, 1.0))
    assert saving.spare_processes() == 1  # the other core is busy
    monkeypatch.setattr(saving.os, "sched_getaffinity", lambda _: {0}, raising=False)
    monkeypatch.setattr(saving.os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert saving.spare_processes() == 1
