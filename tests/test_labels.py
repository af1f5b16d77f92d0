"""Every parameter a user can vary reads as words and units, from one registry."""

from __future__ import annotations

import pytest
from conftest import SHIPPED

from scenarios import api
from scenarios.config.labels import describe


@pytest.mark.parametrize("name", SHIPPED)
def test_every_uncertain_parameter_of_a_shipped_config_has_a_label_and_units(name):
    spec = api.load_config(name)
    for path in spec.uncertainties:
        label = describe(path)
        assert label.label != path and label.units, path


@pytest.mark.parametrize(
    ("path", "label", "short", "units"),
    [
        (
            "impact.rho",
            "Return on innovation capital, rho",
            "Return on innovation capital",
            "fraction per year",
        ),
        (
            "countries.CHN.growth.tau",
            "China convergence time, tau",
            "China convergence time",
            "years",
        ),
        (
            "programs.manufacturing_usa.match_ratio",
            "Manufacturing USA: non-federal match per federal dollar",
            "Manufacturing USA: non-federal match per federal dollar",
            "ratio",
        ),
    ],
)
def test_labels_read_as_words(path, label, short, units):
    assert describe(path) == (describe(path).__class__(path, label, short, units))


def test_a_config_names_its_own_programs_and_unknown_paths_read_as_themselves():
    assert (
        describe("programs.nsf_hubs.cap", {"nsf_hubs": "NSF Engines"}).label
        == "NSF Engines: network cap"
    )
    assert describe("impact.params.kappa").label == "impact.params.kappa"
    assert describe("countries.USA.growth.g.extra").label == "countries.USA.growth.g.extra"
