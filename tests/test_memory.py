"""The in-memory ensemble estimate and the budget it is held to."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from scenarios import api
from scenarios.analysis import memory
from scenarios.errors import ConfigError


def test_estimate_is_the_process_plus_the_measured_peak_per_array_byte():
    # baseline: 4 countries, 3 programs, 31 years -> 8 * 31 * (24 + 24) = 11,904 bytes a sample
    assert memory.result_bytes(1, 31, 4, 3) == 11_904
    assert memory.ensemble_bytes(10**5, 31, 4, 3, with_reference=False) == int(
        200e6 + 0.9 * 11_904e5
    )
    assert memory.ensemble_bytes(10**5, 31, 4, 3, with_reference=True) == int(
        200e6 + 1.5 * 11_904e5
    )


def test_budget_follows_the_memory_available(monkeypatch):
    monkeypatch.setattr(memory.psutil, "virtual_memory", lambda: SimpleNamespace(available=4e9))
    assert memory.memory_budget() == 3_000_000_000


def test_an_ensemble_past_the_budget_is_refused_with_a_size_that_fits(monkeypatch):
    monkeypatch.setattr(memory.psutil, "virtual_memory", lambda: SimpleNamespace(available=2e9))
    with pytest.raises(ConfigError) as caught:
        api.run("baseline", samples=10**6)
    message = str(caught.value)
    assert "--samples" in message and "1.5 GB may be used" in message
    fitting = int(message.split("use at most ")[1].split(" samples")[0].replace(",", ""))
    # the model's 18 years (base year 2023 to 2040): the history is not stored per sample
    assert memory.ensemble_bytes(fitting, 18, 4, 3, with_reference=False) <= 1.5e9
    assert memory.ensemble_bytes(fitting + 100, 18, 4, 3, with_reference=False) > 1.5e9


def test_run_ensemble_switches_to_chunks_past_the_budget(monkeypatch, tmp_path):
    monkeypatch.setattr(
        memory.psutil, "virtual_memory", lambda: SimpleNamespace(available=4e8, total=24e9)
    )
    result = api.run_ensemble("baseline", samples=20_000, seed=1, out_dir=tmp_path)
    assert not isinstance(result, api.Run)
    assert (tmp_path / "baseline" / "results.zarr").is_dir()
