"""Plots read back: the artists must carry the numbers of the dataset they were drawn from."""

from __future__ import annotations

import subprocess
import sys

import matplotlib
import numpy as np
import pytest
import xarray as xr
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from scenarios.errors import ConfigError
from scenarios.outputs.plotting import (
    plot_cagr_gap,
    plot_compare_institutes,
    plot_compare_mva,
    plot_compare_mva_delta,
    plot_compare_spend,
    plot_comparison,
    plot_institutes_active,
    plot_intensity_index,
    plot_mva_paths,
    plot_mva_ratio,
    plot_run,
    plot_spend,
)
from scenarios.outputs.plotting._common import NOTE_GID

matplotlib.use("Agg")

MONEY = "USD million, constant 2015 prices"
DATA_SOURCE = (
    "UN Statistics Division, National Accounts Main Aggregates (AMA), through-2023 edition"
)
BASE = 2023


def make_results(n_samples: int = 1, *, name: str = "nnmi_full45", seed: int = 0) -> xr.Dataset:
    """Synthetic results in the contract schema: USA, CHN, DEU + WLD, 2015-2030, 3 programs."""
    rng = np.random.default_rng(seed)
    years = np.arange(2015, 2031)
    level = np.array([2.8e6, 4.8e6, 0.84e6, 16e6])[None, :, None]
    rate = np.array([0.015, 0.04, 0.01, 0.025])[None, :, None]
    shock = rng.normal(0, 0.01, (n_samples, 4, 1)) if n_samples > 1 else 0.0
    t = (years - BASE)[None, None, :]
    mva = level * (1 + rate) ** np.minimum(t, 0) * (1 + rate + shock) ** np.maximum(t, 0)
    growth = np.broadcast_to(np.where(t > 0, rate + shock, rate), mva.shape)
    active = (
        np.stack(
            [
                np.minimum(1 + 2 * np.arange(16), 45),
                np.minimum(10 + 2 * np.arange(16), 40),
                np.full(16, 76),
            ]
        )
        .astype(float)[None]
        .repeat(n_samples, 0)
    )
    if n_samples > 1:
        active[:, 0, years > BASE] += rng.integers(-3, 1, (n_samples, 1))
    federal = np.array([160.0, 800.0, 1400.0])[None, :, None] * np.ones((n_samples, 3, 16))
    if n_samples > 1:
        federal = federal * rng.uniform(0.8, 1.2, (n_samples, 3, 1))
    federal[:, :, years < 2018] = np.nan  # spend data start later than MVA data, as in real runs
    total = federal * np.array([2.0, 1.5, 2.4])[None, :, None]
    cs, ps = ("sample", "country", "year"), ("sample", "program", "year")
    return xr.Dataset(
        {
            "mva": (cs, mva, {"units": MONEY, "long_name": "Manufacturing value added"}),
            "mva_baseline": (cs, mva * 0.999, {"units": MONEY, "long_name": "MVA, no impact"}),
            "growth": (cs, growth, {"units": "fraction per year", "long_name": "MVA growth"}),
            "innovation_capital": (cs, mva * 1e-3, {"units": MONEY, "long_name": "Capital"}),
            "institutes_active": (ps, active, {"units": "count", "long_name": "Active"}),
            "institutes_launched": (
                ps,
                np.diff(active, prepend=active[..., :1]),
                {"units": "count", "long_name": "Launched"},
            ),
            "spend_federal": (ps, federal, {"units": MONEY, "long_name": "Federal spend"}),
            "spend_total": (ps, total, {"units": MONEY, "long_name": "Total spend"}),
            "cap": ("program", [45.0, 40.0, np.nan], {"units": "count", "long_name": "Cap"}),
            "impact.rho": (
                "sample",
                rng.uniform(0.1, 0.6, n_samples),
                {"units": "1", "long_name": "rho"},
            ),
        },
        coords={
            "sample": np.arange(n_samples),
            "country": ["USA", "CHN", "DEU", "WLD"],
            "year": years,
            "projected": ("year", years > BASE),
            "program": ["manufacturing_usa", "china_mic", "fraunhofer"],
            "program_country": ("program", ["USA", "CHN", "DEU"]),
            "program_label": ("program", ["Manufacturing USA", "China MICs", "Fraunhofer"]),
        },
        attrs={
            "scenario": name,
            "description": "Complete the 45-institute network.",
            "source": "000_d4a945767f502f36.txt",
            "data_source": DATA_SOURCE,
            "config_file": f"configs/{name}.yaml",
            "config_hash": "0123abcd",
            "seed": seed,
            "base_year": BASE,
        },
    )


@pytest.fixture(params=[1, 200], ids=["deterministic", "ensemble"])
def results(request: pytest.FixtureRequest) -> xr.Dataset:
    return make_results(request.param)


def new_ax():
    fig = Figure(figsize=(7, 4), dpi=150, layout="constrained")
    FigureCanvasAgg(fig)
    return fig.add_subplot()


def by_gid(ax, gid: str):
    found = [a for a in ax.get_children() if a.get_gid() == gid]
    assert len(found) == 1, f"{gid}: {len(found)} artists"
    return found[0]


def path_y(ax, gid: str) -> tuple[np.ndarray, np.ndarray]:
    """x, y of a series drawn as history + projection lines (the base year drawn in both)."""
    hist, proj = by_gid(ax, f"{gid}:history"), by_gid(ax, f"{gid}:projection")
    x = np.concatenate([hist.get_xdata(), proj.get_xdata()[1:]])
    y = np.concatenate([hist.get_ydata(), proj.get_ydata()[1:]])
    return x, y


def band_edges(collection, years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    vertices = np.concatenate([p.vertices for p in collection.get_paths()])
    lo = [vertices[vertices[:, 0] == y, 1].min() for y in years]
    hi = [vertices[vertices[:, 0] == y, 1].max() for y in years]
    return np.array(lo), np.array(hi)


def test_mva_fan_chart_reads_back_median_and_bands():
    ds = make_results(200)
    ax = plot_mva_paths(ds, ax=new_ax())
    years = ds["year"].to_numpy()
    for code in ("USA", "CHN", "DEU"):
        mva = ds["mva"].sel(country=code)
        x, y = path_y(ax, f"mva:{code}")
        np.testing.assert_array_equal(x, years)
        np.testing.assert_allclose(y, mva.median("sample").to_numpy(), rtol=1e-12)
        q = mva.quantile([0.05, 0.25, 0.75, 0.95], "sample").to_numpy()
        for gid, (lo, hi) in (("band90", (q[0], q[3])), ("band50", (q[1], q[2]))):
            got_lo, got_hi = band_edges(by_gid(ax, f"mva:{code}:{gid}"), years)
            np.testing.assert_allclose(got_lo, lo, rtol=1e-12)
            np.testing.assert_allclose(got_hi, hi, rtol=1e-12)
    assert not any(t.get_gid() == "mva:WLD:history" for t in ax.lines), "WLD plotted by default"


def test_mva_history_solid_projection_dashed_with_base_year_line(results):
    ax = plot_mva_paths(results, countries=["USA"], ax=new_ax())
    hist, proj = by_gid(ax, "mva:USA:history"), by_gid(ax, "mva:USA:projection")
    assert hist.get_linestyle() == "-" and proj.get_linestyle() == "--"
    assert hist.get_xdata().max() == BASE == proj.get_xdata().min()
    assert list(by_gid(ax, "base-year").get_xdata()) == [BASE, BASE]
    if results.sizes["sample"] == 1:
        _, y = path_y(ax, "mva:USA")
        np.testing.assert_array_equal(y, results["mva"].sel(country="USA").to_numpy()[0])


def test_mva_ticks_in_trillions():
    ax = plot_mva_paths(make_results(), ax=new_ax())
    ax.figure.canvas.draw()
    assert "USD trillion" in ax.get_ylabel()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "4" in labels or "4.0" in labels, labels  # 4e6 USD million shown as 4 trillion


def test_mva_ratio_reads_back(results):
    ax = plot_mva_ratio(results, "CHN", "USA", ax=new_ax())
    ratio = results["mva"].sel(country="CHN") / results["mva"].sel(country="USA")
    _, y = path_y(ax, "ratio:CHN-USA")
    np.testing.assert_allclose(y, ratio.median("sample").to_numpy(), rtol=1e-12)
    assert by_gid(ax, "parity").get_ydata()[0] == 1.0
    ax = plot_mva_ratio(results, "CHN", "USA", kind="gap", ax=new_ax())
    gap = results["mva"].sel(country="CHN") - results["mva"].sel(country="USA")
    np.testing.assert_allclose(path_y(ax, "gap:CHN-USA")[1], gap.median("sample").to_numpy())
    assert "USD" in ax.get_ylabel()


def test_mva_ratio_rejects_unknown_kind():
    with pytest.raises(ConfigError, match="unknown kind 'share'"):
        plot_mva_ratio(make_results(), kind="share", ax=new_ax())


def test_cagr_gap_points_and_whiskers_are_percentage_points():
    runs = {"baseline": make_results(1, name="baseline"), "full45": make_results(200)}
    ax = plot_cagr_gap(runs, "CHN", "USA", start=2023, end=2030, ax=new_ax())
    for name, ds in runs.items():
        rate = (ds["mva"].sel(year=2030) / ds["mva"].sel(year=2023)) ** (1 / 7) - 1
        gap = 100 * (rate.sel(country="CHN") - rate.sel(country="USA"))
        assert by_gid(ax, f"cagr:{name}:median").get_xdata()[0] == pytest.approx(
            float(gap.median()), rel=1e-12
        )
    segment = by_gid(ax, "cagr:full45:p05-p95").get_segments()[0]
    gap_q = gap.quantile([0.05, 0.95]).to_numpy()
    np.testing.assert_allclose(segment[:, 0], gap_q, rtol=1e-12)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["baseline", "full45"]
    assert "percentage points" in ax.get_xlabel()


def test_cagr_gap_rejects_empty_window():
    with pytest.raises(ConfigError, match="window 2030-2023 is empty"):
        plot_cagr_gap(make_results(), start=2030, end=2023, ax=new_ax())


def test_institutes_steps_equal_active_and_cap_is_drawn():
    ds = make_results(1)
    ax = plot_institutes_active(ds, ax=new_ax())
    for program in ds["program"].to_numpy():
        _, y = path_y(ax, f"institutes:{program}")
        np.testing.assert_array_equal(y, ds["institutes_active"].sel(program=program).to_numpy()[0])
        assert by_gid(ax, f"institutes:{program}:history").get_drawstyle() == "steps-post"
    cap = by_gid(ax, "cap:manufacturing_usa")
    assert list(cap.get_ydata()) == [45.0, 45.0]
    assert by_gid(ax, "cap-label:manufacturing_usa").get_text() == "cap 45"
    assert by_gid(ax, "cap-label:china_mic").get_text() == "cap 40"
    assert not [a for a in ax.get_children() if a.get_gid() == "cap:fraunhofer"]  # NaN: no cap


def test_institutes_ensemble_median_step():
    ds = make_results(200)
    ax = plot_institutes_active(ds, programs=["manufacturing_usa"], ax=new_ax())
    _, y = path_y(ax, "institutes:manufacturing_usa")
    expected = ds["institutes_active"].sel(program="manufacturing_usa").median("sample")
    np.testing.assert_array_equal(y, expected.to_numpy())


def test_spend_bars_stack_federal_and_matched(results):
    ax = plot_spend(results, ax=new_ax())
    containers = {c.get_label(): c for c in ax.containers}
    for program in results["program"].to_numpy():
        federal = results["spend_federal"].sel(program=program)
        matched = results["spend_total"].sel(program=program) - federal
        fed_bars = containers[f"_spend:{program}:federal"]
        match_bars = containers[f"_spend:{program}:matched"]
        heights = np.array([b.get_height() for b in fed_bars])
        np.testing.assert_allclose(heights, federal.median("sample").to_numpy(), rtol=1e-12)
        np.testing.assert_allclose(
            [b.get_height() for b in match_bars], matched.median("sample").to_numpy(), rtol=1e-12
        )
        np.testing.assert_allclose([b.get_y() for b in match_bars], heights, rtol=1e-12)


def test_intensity_index_bars():
    ds = make_results(1)
    ax = plot_intensity_index(ds, year=2023, ax=new_ax())
    heights = [b.get_height() for b in ax.containers[0]]
    countries = ds["program_country"].to_numpy()
    share = [
        float(
            ds["spend_total"].sel(sample=0, program=p, year=2023)
            / ds["mva"].sel(sample=0, country=c, year=2023)
        )
        for p, c in zip(ds["program"].to_numpy(), countries, strict=True)
    ]
    np.testing.assert_allclose(heights, np.array(share) / share[0], rtol=1e-12)
    assert heights[0] == pytest.approx(1.0)
    with pytest.raises(ConfigError, match="no program of reference country 'JPN'"):
        plot_intensity_index(ds, reference="JPN", ax=new_ax())


def test_compare_overlays_one_colour_per_scenario():
    runs = {"baseline": make_results(1, name="baseline"), "full45": make_results(200, seed=2)}
    ax = plot_compare_mva(runs, "USA", ax=new_ax())
    colors = {by_gid(ax, f"{n}:mva:projection").get_color() for n in runs}
    assert len(colors) == 2
    np.testing.assert_allclose(
        path_y(ax, "full45:mva")[1],
        runs["full45"]["mva"].sel(country="USA").median("sample").to_numpy(),
    )
    ax = plot_compare_institutes(runs, ax=new_ax())
    np.testing.assert_array_equal(
        path_y(ax, "baseline:institutes_active")[1],
        runs["baseline"]["institutes_active"].sel(program="manufacturing_usa").to_numpy()[0],
    )
    ax = plot_compare_spend(runs, variable="spend_total", ax=new_ax())
    assert "USD" in ax.get_ylabel()


def test_compare_mva_delta_against_reference():
    base, full = make_results(200, name="baseline"), make_results(200, name="full45")
    full["mva"] = full["mva"] + 1000.0 * (full["year"] > BASE)
    runs = {"baseline": base, "full45": full, "single": make_results(1, name="single")}
    ax = plot_compare_mva_delta(runs, "USA", ax=new_ax())
    ax.figure.canvas.draw()
    np.testing.assert_allclose(path_y(ax, "baseline:mva-delta")[1], 0.0)
    expected = np.where(base["year"].to_numpy() > BASE, 1000.0, 0.0)  # sample by sample
    np.testing.assert_allclose(path_y(ax, "full45:mva-delta")[1], expected, atol=1e-6)
    ref_median = base["mva"].sel(country="USA").median("sample")
    single = runs["single"]["mva"].sel(country="USA")[0] - ref_median  # against the median
    np.testing.assert_allclose(path_y(ax, "single:mva-delta")[1], single.to_numpy())
    assert "MVA minus baseline (USD" in ax.get_ylabel()
    assert not any(t.get_text().startswith("-") for t in ax.get_yticklabels())  # true minus


ALL_PLOTS = {
    "mva": (plot_mva_paths, "(USD trillion, constant 2015 prices)"),
    "ratio": (plot_mva_ratio, "(ratio, constant 2015 prices)"),
    "cagr": (plot_cagr_gap, "(percentage points per year)"),
    "institutes": (plot_institutes_active, "(count)"),
    "spend": (plot_spend, "constant 2015 prices)"),
    "intensity": (plot_intensity_index, "USA = 1)"),
}


@pytest.mark.parametrize("name", ALL_PLOTS)
def test_labels_units_title_source_and_no_overlap(results, name):
    plot, unit = ALL_PLOTS[name]
    ax = plot(results, ax=new_ax())
    fig = ax.figure
    fig.canvas.draw()
    labels = ax.get_xlabel() + " " + ax.get_ylabel()
    assert unit in labels
    assert ax.get_title(loc="left").strip()
    note = next(t for t in ax.texts if t.get_gid() == NOTE_GID)
    text = note.get_text().replace("\n", " ")
    own = {"institutes": "NIST AMS 600-17 (2025), Appendix A.1", "spend": "program budgets"}
    assert own.get(name, DATA_SOURCE) in text, text  # each plot names the sources of its data
    assert "Scenario: nnmi_full45 (nnmi_full45.yaml" in text
    renderer = fig.canvas.get_renderer()
    boxes = {
        "title": ax.title.get_window_extent(renderer),
        "xlabel": ax.xaxis.label.get_window_extent(renderer),
        "note": note.get_window_extent(renderer),
    }
    assert boxes["note"].y1 <= boxes["xlabel"].y0 + 0.5  # small print under the axis label
    assert boxes["title"].y0 >= ax.get_window_extent(renderer).y1 - 0.5
    for label, box in boxes.items():
        assert fig.bbox.contains(box.x0, box.y0) and fig.bbox.contains(box.x1, box.y1), label


def test_new_figure_when_no_axes_given():
    import matplotlib.pyplot as plt

    ax = plot_mva_paths(make_results())
    try:
        assert tuple(ax.figure.get_size_inches()) == (7.0, 4.0)
    finally:
        plt.close(ax.figure)


def test_plot_run_writes_standard_set(tmp_path):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    paths = plot_run(make_results(200), None, tmp_path / "plots", formats=("png", "svg"))
    assert plt.get_fignums() == before, "figures left open"
    expected = {
        "mva",
        "mva_ratio",
        "cagr_gap",
        "institutes",
        "spend",
        "spend_manufacturing_usa",
        "spend_china_mic",
        "spend_fraunhofer",
        "intensity",
    }
    assert set(paths) == expected
    for name, path in paths.items():
        assert path == tmp_path / "plots" / f"{name}.png"
        assert path.read_bytes().startswith(b"\x89PNG")
        assert path.with_suffix(".svg").is_file()


def test_plot_run_takes_pair_and_window_from_metrics(tmp_path):
    import pandas as pd

    metrics = pd.DataFrame(
        {
            "scenario": ["s"],
            "metric": ["cagr_gap"],
            "country": ["DEU-USA"],
            "start": [2025],
            "end": [2030],
            "statistic": ["value"],
            "value": [0.01],
            "units": ["fraction per year"],
        }
    )
    ds = make_results()
    paths = plot_run(ds, metrics, tmp_path)
    assert paths["cagr_gap"].is_file()
    ax = plot_cagr_gap(ds, "DEU", "USA", start=2025, end=2030, ax=new_ax())
    assert "DEU minus USA, 2025-2030" in ax.get_title(loc="left")


def test_plot_comparison_writes_overlays(tmp_path):
    runs = {"baseline": make_results(1, name="baseline"), "full45": make_results(200)}
    paths = plot_comparison(runs, tmp_path)
    countries = ("USA", "CHN", "DEU")
    expected = {"cagr_gap", "institutes", "spend_federal", "spend_total"}
    expected |= {f"mva_{c}" for c in countries} | {f"mva_delta_{c}" for c in countries}
    assert set(paths) == expected
    assert all(p.is_file() for p in paths.values())


def test_import_scenarios_does_not_import_matplotlib():
    code = "import sys, scenarios; sys.exit('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_plot_comparison_leaves_out_differences_that_are_zero(tmp_path):
    base = make_results(1, name="baseline")
    policy = base.copy(deep=True)
    policy["mva"].loc[{"country": "USA"}] = policy["mva"].sel(country="USA") * 1.01
    paths = plot_comparison({"baseline": base, "policy": policy}, tmp_path)
    assert {p for p in paths if p.startswith("mva_delta_")} == {"mva_delta_USA"}


def test_ensemble_legend_stands_outside_the_bands():
    ax = plot_institutes_active(make_results(50), ax=new_ax())
    legend = ax.get_legend()
    ax.figure.canvas.draw()
    box = legend.get_window_extent().transformed(ax.transAxes.inverted())
    assert box.x0 >= 1.0, "the legend of an ensemble must not overlap the plotting area"
    assert "90 % range" in [t.get_text() for t in legend.get_texts()]


def test_tornado_reads_as_labels_and_units_not_dotted_paths():
    import pandas as pd

    from scenarios.outputs.plotting.sensitivity import plot_tornado

    table = pd.DataFrame(
        {
            "output": ["gap"] * 2,
            "parameter": ["impact.rho", "programs.manufacturing_usa.cost_per_institute"],
            "low_value": [0.125, 59.2],
            "high_value": [0.575, 136.0],
            "y_low": [-4e-5, -3e-5],
            "y_high": [-1e-5, -2e-5],
            "y_center": [-3e-5, -3e-5],
        }
    )
    ax = plot_tornado(table, "gap", units="fraction per year", ax=new_ax())
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks == [
        "Manufacturing USA: federal cost per institute\n(59.2 USD M to 136 USD M)",
        "Return on innovation capital\n(12.5 % to 57.5 %)",
    ]
    ax.figure.canvas.draw()
    assert ax.xaxis.get_offset_text().get_text() == "", "no 1e-5 offset beside the axis label"
    assert "percentage points a year" in ax.get_xlabel()


def test_yearly_first_order_indices_never_stack_past_one():
    from scenarios.outputs.plotting.sensitivity import plot_indices_over_time

    s1 = np.array([[0.7, 0.5], [0.5, 0.3]])  # parameter x year: 1.2 in 2030, 0.8 in 2031
    over_time = xr.Dataset(
        {"S1": (("output", "parameter", "year"), s1[None])},
        coords={"output": ["x"], "parameter": ["impact.rho", "impact.delta"], "year": [2030, 2031]},
    )
    ax = plot_indices_over_time(over_time, "x", ax=new_ax())
    assert ax.get_ylim() == (0, 1)
    top_of_stack = ax.collections[1].get_paths()[0].vertices[:, 1].max()
    assert top_of_stack == pytest.approx(1.0)  # 2030 scaled from 1.2 to 1
    assert "sum to up to 1.20" in " ".join(t.get_text() for t in ax.figure.texts + ax.texts)


def test_claim_probability_labels_clear_their_whiskers():
    import pandas as pd

    from scenarios.outputs.plotting.claims import plot_claim_probabilities

    table = pd.DataFrame(
        {
            "claim": ["rare", "likely"],
            "scenario": ["s", "s"],
            "n": [500, 500],
            "probability": [0.03, 0.95],
            "ci_low": [0.02, 0.92],
            "ci_high": [0.05, 0.97],
        }
    )
    ax = plot_claim_probabilities(table, ax=new_ax())
    ax.figure.canvas.draw()
    labels = {t.get_text(): t for t in ax.texts}
    rare, likely = labels["3% [2%-5%], n = 500"], labels["95% [92%-97%], n = 500"]
    to_data = ax.transData.inverted()
    assert (
        to_data.transform(rare.get_window_extent())[0, 0] > 5
    )  # starts right of the 5 % whisker end
    assert to_data.transform(likely.get_window_extent())[1, 0] < 92  # ends left of the 92 % whisker
    assert likely.get_color() == "white"


def test_prim_tradeoff_stars_the_box_the_verdict_reports():
    # The chosen peeling step has 3 restrictions (density 0.31); only 2 are significant, and the
    # box the verdict states has its own coverage and density: the star sits there, not on the step.
    import matplotlib.pyplot as plt
    import pandas as pd

    from scenarios.analysis.discovery import Box
    from scenarios.outputs.plotting.claims import plot_prim_tradeoff

    trajectory = pd.DataFrame(
        {"coverage": [1.0, 0.8, 0.6], "density": [0.1, 0.31, 0.5], "res dim": [0, 3, 4]}
    )
    limits = pd.DataFrame({"min": [0.0, 1.0], "max": [0.5, 2.0]}, index=["a", "b"])
    box = Box(limits, 0.9, 0.13, 0.4, trajectory, 1, limits)
    ax = plot_prim_tradeoff(box)
    step, star = ax.collections[1], ax.collections[2]
    assert step.get_offsets().tolist() == [[0.8, 0.31]]
    assert star.get_offsets().tolist() == [[0.9, 0.13]]
    labels = ax.get_legend_handles_labels()[1]
    assert labels == [
        "chosen peeling step (3 restricted dimensions)",
        "reported box (2 significant restrictions)",
    ]
    plt.close(ax.figure)


def test_stress_plots_name_each_assumption_with_its_units():
    """Breakeven and PRIM axes read as the label registry names an assumption, with its units; a
    path the registry lacks reads as itself."""
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from scenarios.analysis.discovery import Box
    from scenarios.analysis.stress.outcome import Breakeven
    from scenarios.outputs.plotting.claims import plot_breakeven, plot_prim_box

    grid = np.linspace(-0.04, 0.03, 5)
    breakeven = Breakeven("countries.USA.growth.g", 0.01, 0.022, -0.04, 0.03, 0.0, grid, -grid)
    ax = plot_breakeven(breakeven, metric_label="gap (fraction per year)")
    assert ax.get_xlabel() == "United States MVA growth, g (fraction per year)"
    assert "breakeven 0.022 fraction per year" in ax.get_legend_handles_labels()[1]
    plt.close(ax.figure)

    samples = pd.DataFrame({"impact.rho": [0.1, 0.2, 0.3], "custom.knob": [1.0, 2.0, 3.0]})
    limits = pd.DataFrame({"min": [0.15], "max": [0.35]}, index=["impact.rho"])
    trajectory = pd.DataFrame({"coverage": [1.0], "density": [0.5], "res dim": [1]})
    box = Box(limits, 0.9, 0.6, 0.4, trajectory, 0, limits)
    ax = plot_prim_box(samples, np.array([False, True, True]), box)
    assert ax.get_xlabel() == "Return on innovation capital, rho (fraction per year)"
    assert ax.get_ylabel() == "custom.knob (as in the config)"
    plt.close(ax.figure)
