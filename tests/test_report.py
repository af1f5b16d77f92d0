"""The report is one self-contained HTML file: embedded images, escaped text, the numbers."""

from __future__ import annotations

import base64
import re

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from scenarios.errors import DataError
from scenarios.outputs.report import (
    format_value,
    probability,
    write_compare_report,
    write_report,
)
from scenarios.outputs.report.numbers import money, quantity

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
CONFIG = "name: nnmi_full45\ndescription: <script>alert('x')</script> & more\ncap: 45\n"


def make_results(n_samples: int = 1) -> xr.Dataset:
    """Minimal results for the report: attributes, years, programs, one sampled parameter."""
    years = np.arange(2015, 2031)
    mva = np.full((n_samples, 2, years.size), 2.8e6)
    return xr.Dataset(
        {
            "mva": (
                ("sample", "country", "year"),
                mva,
                {"units": "USD million, constant 2015 prices", "long_name": "MVA"},
            ),
            "impact.rho": ("sample", np.linspace(0.1, 0.6, n_samples), {"units": "1"}),
        },
        coords={
            "sample": np.arange(n_samples),
            "country": ["USA", "CHN"],
            "year": years,
            "projected": ("year", years > 2023),
            "program": ["manufacturing_usa", "china_mic"],
        },
        attrs={
            "scenario": "nnmi_full45",
            "description": "Fund 45 <institutes> & more",
            "source": "000_d4a945767f502f36.txt",
            "data_source": "UN Statistics Division, AMA, through-2023 edition",
            "config_file": "configs/nnmi_full45.yaml",
            "config_hash": "0123abcd",
            "seed": 7,
            "base_year": 2023,
            "caveats": ["Impact ranges from the literature <see docs>"],
        },
    )


def metrics_frame(statistics: tuple[str, ...], scale: tuple[float, ...]) -> pd.DataFrame:
    rows = []
    for stat, k in zip(statistics, scale, strict=True):
        rows += [
            (
                "nnmi_full45",
                "cagr_gap",
                "CHN-USA",
                2023,
                2030,
                stat,
                0.0234 * k,
                "fraction per year",
            ),
            ("nnmi_full45", "mva_ratio", "CHN-USA", 2030, 2030, stat, 1.714 * k, "ratio"),
            ("nnmi_full45", "crossover_year", "CHN-USA", 2023, 2030, stat, 2031.0, "year"),
            (
                "nnmi_full45",
                "mva",
                "USA",
                2030,
                2030,
                stat,
                3.1e6 * k,
                "USD million, constant 2015 prices",
            ),
        ]
    return pd.DataFrame(
        rows,
        columns=["scenario", "metric", "country", "start", "end", "statistic", "value", "units"],
    )


@pytest.fixture
def plots(tmp_path):
    paths = {}
    for name in ("mva", "institutes", "spend_fraunhofer"):
        paths[name] = tmp_path / "plots" / f"{name}.png"
        paths[name].parent.mkdir(exist_ok=True)
        paths[name].write_bytes(PNG)
    return paths


def test_report_is_self_contained_and_escaped(tmp_path, plots):
    path = write_report(
        tmp_path / "report.html",
        results=make_results(),
        metrics=metrics_frame(("value",), (1.0,)),
        config_text=CONFIG,
        plots=plots,
        extra_sections=[("Stress <test>", "<p id='stress'>P = 0.42</p>")],
    )
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert not re.search(r"<script[^>]*\bsrc=", text)  # every script is inline
    markup = re.sub(r"<script[^>]*>.*?</script>", "", text, flags=re.S)
    assert "href=" not in markup and "<link" not in markup
    sources = re.findall(r'<img src="([^"]*)"', markup)
    assert len(sources) == len(plots)
    assert all(s.startswith("data:image/png;base64,") for s in sources)
    assert base64.b64encode(PNG).decode() in sources[0]
    assert "<script>alert" not in text  # the config's script is escaped
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in text
    assert "Fund 45 &lt;institutes&gt; &amp; more" in text
    assert "Impact ranges from the literature &lt;see docs&gt;" in text
    assert "China MIC budgets are unknown (NIST AMS 600-17 (2025))" in text
    assert "ITIF (2016)" in text and "000_d4a945767f502f36.txt" not in text.split('id="sources"')[0]
    assert "UN Statistics Division, AMA, through-2023 edition" in text
    assert "Stress &lt;test&gt;</h2>" in text and "<p id='stress'>P = 0.42</p>" in text
    for value in ("2.34", "1.71", "2031", "3,100,000", "percentage points per year"):
        assert value in text, value
    assert "spend_fraunhofer</b>: Yearly program spending" in text  # caption by prefix


def test_ensemble_report_pivots_statistics(tmp_path, plots):
    metrics = metrics_frame(("mean", "p05", "p50", "p95"), (1.0, 0.5, 1.0, 1.5))
    text = write_report(
        tmp_path / "r.html",
        results=make_results(50),
        metrics=metrics,
        config_text=CONFIG,
        plots=plots,
    ).read_text(encoding="utf-8")
    header = re.search(
        r'<h2>Key metrics</h2><div class="wide"><table><thead><tr>(.*?)</tr>',
        text.replace("\n", ""),
    )
    assert header is not None
    assert re.findall(r"<th>(.*?)</th>", header.group(1)) == [
        "metric",
        "country",
        "years",
        "mean",
        "p05",
        "p50",
        "p95",
        "units",
    ]
    assert '<td>cagr_gap</td><td>CHN-USA</td><td class="nw">2023-2030</td>' in text
    assert ">1.17<" in text and ">3.51<" in text  # p05 and p95 of the gap, in points
    assert "<h2>Uncertain inputs</h2>" in text and "impact.rho" in text
    assert "All metrics (16 rows" in text  # the mva rows are not key metrics


def test_missing_plot_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match=r"plot file .*nope\.png does not exist"):
        write_report(
            tmp_path / "r.html",
            results=make_results(),
            metrics=metrics_frame(("value",), (1.0,)),
            config_text="",
            plots={"mva": tmp_path / "nope.png"},
        )


def test_compare_report(tmp_path, plots):
    delta = pd.DataFrame(
        {
            "metric": ["cagr_gap", "mva"],
            "country": ["CHN-USA", "USA"],
            "scenario": ["full45 <b>", "full45 <b>"],
            "value": [-0.0012, 12345.6],
            "units": ["fraction per year", "USD million, constant 2015 prices"],
        }
    )
    text = write_compare_report(
        tmp_path / "c.html", delta_table=delta, plots=plots, names=["baseline", "full45"]
    ).read_text(encoding="utf-8")
    assert "Reference scenario: baseline" in text
    assert "full45 &lt;b&gt;" in text and "-0.12" in text and "12,346" in text
    assert len(re.findall(r'src="data:image/png;base64,', text)) == len(plots)


@pytest.mark.parametrize(
    ("value", "units", "metric", "expected"),
    [
        (0.015, "fraction per year", "cagr", ("1.50", "percent per year")),
        (2031.0, "year", "crossover_year", ("2031", "year")),
        (19.63, "index", "intensity_index", ("19.6", "index")),
        (float("nan"), "ratio", "mva_ratio", ("n/a", "ratio")),
    ],
)
def test_format_value(value, units, metric, expected):
    assert format_value(value, units, metric) == expected


def test_compare_report_prints_years_as_years_and_small_rate_changes(tmp_path):
    import pandas as pd

    from scenarios.outputs.report import write_compare_report

    table = pd.DataFrame(
        {
            "metric": ["cagr_gap", "mva"],
            "country": ["CHN-USA", "USA"],
            "start": [2025, 2040],
            "end": [2035, 2040],
            "units": ["fraction per year", "USD million, constant 2015 prices"],
            "baseline": [0.0205, 3_150_995.0],
            "policy": [0.020483, 3_151_444.0],
            "policy - baseline": [-0.000017, 449.0],
        }
    )
    page = write_compare_report(
        tmp_path / "c.html", delta_table=table, plots={}, names=["baseline", "policy"]
    ).read_text()
    assert "<td>2025</td>" in page.replace(' class="num"', "") and "2,025" not in page
    assert "percentage points per year" in page and "fraction per year" not in page
    assert "-0.0017" in page  # -0.000017 a year is -0.0017 points, not "-0.00"


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        (0.0, "0 %"),
        (4.337e-19, "0 %"),
        (0.0004, "< 0.1 %"),
        (0.005, "0.5 %"),
        (0.37, "37 %"),
        (0.9995, "> 99.9 %"),
        (1.0, "100 %"),
        (float("nan"), "n/a"),
    ],
)
def test_probability_is_formatted_for_people(p, expected):
    assert probability(p) == expected


def test_quantity_gives_median_and_range_with_units_once():
    metrics = pd.DataFrame(
        {
            "metric": "delta_mva",
            "country": "USA",
            "start": 2035,
            "end": 2035,
            "statistic": ["p05", "p50", "p95"],
            "value": [244.0, 512.0, 1090.0],  # USD million
            "units": "USD million, constant 2015 prices",
            "note": "",
        }
    )
    # the scale follows the widest value: 1,090 million -> billion for all three
    assert quantity(metrics, "delta_mva", "USA", 2035) == (
        "USD 0.512 billion (90 % range 0.244 to 1.09)"
    )
    assert money(-4436.0, "USD million") == "-USD 4.44 billion"
    assert money(368.0, "USD million") == "USD 368 million"
    assert quantity(metrics, "delta_mva", "CHN") == ""


def test_compare_folds_unchanged_rows_and_explains_a_missing_crossover(tmp_path):
    table = pd.DataFrame(
        {
            "metric": ["mva", "crossover_year", "world_share"],
            "country": ["USA", "USA-CHN", "DEU"],
            "start": [2040, 2023, 2040],
            "end": [2040, 2040, 2040],
            "units": ["USD million, constant 2015 prices", "year", "fraction of world MVA"],
            "baseline": [3_150_995.0, float("nan"), 0.0408],
            "policy": [3_155_430.0, float("nan"), 0.0408],
            "policy - baseline": [4436.0, float("nan"), 0.0],
        }
    )
    page = write_compare_report(
        tmp_path / "c.html", delta_table=table, plots={}, names=["baseline", "policy"]
    ).read_text()
    answer = page.split('id="answer"')[1].split("</section>")[0]
    assert "United States +USD 4.44 billion" in answer
    changed, folded = page.split("<details>")
    assert "world_share" not in changed and "world_share" in folded
    assert "2 metrics the scenarios leave unchanged" in folded
    assert "none by 2040" in folded and "does not reach the second" in folded


def test_stress_verdict_in_words():
    from scenarios.analysis.claims import Claim
    from scenarios.outputs.report.stress import verdict

    claim = Claim.model_validate(
        {
            "id": "closes",
            "text": "Growth within 1 point.",
            "source": "000_d4a945767f502f36.txt",
            "scenario": "nnmi_full45",
            "metric": {"name": "cagr_gap", "a": "CHN", "b": "USA", "start": 2025, "end": 2035},
            "holds_if": {"op": "<=", "value": 0.01},
        }
    )
    row = pd.Series(
        {
            "probability": 0.0,
            "ci_low": 4.337e-19,
            "ci_high": 0.01885,
            "n": 200,
            "metric_p50": 0.02118,
        }
    )
    assert verdict(claim, row) == (
        "holds in none of 200 sampled futures (95 % interval 0 % to 1.9 %); median "
        "2.12 pp a year, the claim needs at most 1 pp a year"
    )


def test_backtest_page_names_the_best_method_first(tmp_path):
    from scenarios.outputs.report import write_backtest_report

    (tmp_path / "b.png").write_bytes(PNG)
    scores = pd.DataFrame(
        {
            "country": ["USA", "USA"],
            "method": ["constant", "trend"],
            "in_config": [False, True],
            "fit_start": 2004,
            "fit_end": 2015,
            "test_start": 2016,
            "test_end": 2023,
            "mape": [0.016, 0.025],
            "cagr_projected": [0.0103, 0.0054],
            "cagr_actual": [0.0113, 0.0113],
            "cagr_error": [-0.001, -0.0059],
        }
    )
    page = write_backtest_report(
        tmp_path / "r.html", table_=scores, plot=tmp_path / "b.png", labels={"trend": "trend"}
    ).read_text()
    answer = page.split('id="answer"')[1].split("</section>")[0]
    assert "United States: best constant (MAPE 1.6%, CAGR error -0.10 pp)" in answer
    assert "the config&#x27;s trend: MAPE 2.5%" in answer
