"""A scenario run on row blocks of a parameter matrix, with the numbers of one whole run.

Sensitivity designs and stress-test batches have hundreds of thousands of rows but need only a
few numbers per row. :func:`evaluate` runs the scenario (and its reference) one block of rows at a
time, labels the block's results (:func:`scenarios.results.to_dataset`), lets the caller reduce
them to per-row values and drops them, so memory is bounded by the block, not the matrix.
:mod:`scenarios.analysis.ensemble` runs the same blocks as dask tasks.

Every number equals :func:`scenarios.api.run`'s on the whole matrix: the engine is per sample,
and the growth shocks of a block are drawn from its own position of the same random stream
(:func:`shock_states`).

>>> main = Side.of(spec, dataset, matrix.columns)                          # doctest: +SKIP
>>> last_year = lambda results, _: {"us_mva": results["mva"].sel(country="USA").values[:, -1]}
>>> values = evaluate(main, None, matrix, last_year)                      # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from scenarios.analysis.runs import load_reference
from scenarios.config.schema import Spec
from scenarios.data import Dataset
from scenarios.model.engine import Memory, run_model
from scenarios.model.inputs import Inputs, build_inputs
from scenarios.model.parameters import Parameters
from scenarios.progress import gather_with_progress, track
from scenarios.results import to_dataset

BLOCK_ROWS = 16384
"""Rows per block of :func:`evaluate` (about 120 MB of labelled results per scenario)."""

Reduce = Callable[[xr.Dataset, xr.Dataset | None], dict[str, np.ndarray]]
ShockStates = dict[str, dict]  # country -> bit generator state


@dataclass(frozen=True)
class Side:
    """One scenario of a job (the main one or its reference) and the matrix columns it reads.

    ``columns`` None means the scenario samples none of the matrix's parameters: it is run once,
    deterministically, and ``deterministic`` holds its one-sample results. ``countries`` are
    the countries projected (None: all of them).
    """

    spec: Spec
    inputs: Inputs
    columns: list[str] | None
    countries: list[str] | None = None
    deterministic: xr.Dataset | None = None

    @classmethod
    def of(
        cls,
        spec: Spec,
        dataset: Dataset,
        matrix_columns: Sequence[str],
        countries: Sequence[str] | None = None,
    ) -> Side:
        """The side of ``spec`` for matrices with ``matrix_columns``: those it declares as
        uncertain, if any; its results hold ``countries`` (default all, see
        :func:`scenarios.model.engine.run_model`)."""
        inputs = build_inputs(spec, dataset)
        columns = [c for c in matrix_columns if c in spec.uncertainties] or None
        projected = None if countries is None else list(countries)
        if columns is None:
            output = run_model(spec, inputs, countries=projected)
            return cls(spec, inputs, None, projected, to_dataset(spec, inputs, output))
        return cls(spec, inputs, columns, projected)

    def results(
        self, rows: pd.DataFrame, states: ShockStates, memory: Memory | None = None
    ) -> xr.Dataset:
        """Labelled results of a block of rows (one sample when deterministic); ``memory`` as in
        :func:`scenarios.model.engine.run_model` (the previous block's results are overwritten)."""
        if self.deterministic is not None:
            return self.deterministic
        matrix = rows[self.columns]
        output = run_model(
            self.spec,
            self.inputs,
            matrix,
            rng_for=_rng_for(states),
            memory=memory,
            countries=self.countries,
        )
        return to_dataset(self.spec, self.inputs, output, matrix)


def reference_side(
    spec: Spec,
    file: str,
    matrix_columns: Sequence[str],
    dataset: Dataset,
    reference: Spec | None = None,
    overrides: list[str] | None = None,
    countries: Sequence[str] | None = None,
) -> Side | None:
    """The side of ``spec``'s reference scenario in the same world (the overrides that are not
    policy levers, the main scenario's seed: :func:`scenarios.analysis.runs.load_reference`); None when the
    config names no reference."""

    if not spec.reference:
        return None
    reference = reference or load_reference(file, spec, overrides)
    return Side.of(
        reference.model_copy(update={"seed": spec.seed}), dataset, matrix_columns, countries
    )


def row_blocks(n: int, rows: int) -> list[tuple[int, int]]:
    """``[start, stop)`` of consecutive blocks of at most ``rows`` rows covering ``n``."""
    return [(start, min(start + rows, n)) for start in range(0, n, rows)]


def _rng_for(states: ShockStates) -> Callable[[str], np.random.Generator]:
    def rng_for(country: str) -> np.random.Generator:
        generator = np.random.Generator(np.random.PCG64())
        generator.bit_generator.state = states[country]
        return generator

    return rng_for


def shock_states(
    side: Side, matrix: pd.DataFrame, bounds: list[tuple[int, int]]
) -> list[ShockStates]:
    """Per block, the generator state at the start of each country's slice of the shock stream.

    The in-memory model draws an (n, T) block of standard normals per country whose shocks are on,
    country after country, from one generator seeded with ``spec.seed``; block [a, b) of country i
    starts (i * n + a) * T draws into that stream.
    """
    spec, inputs = side.spec, side.inputs
    params = Parameters(spec.model_dump(), None if side.columns is None else matrix[side.columns])
    drawn = [c for c in inputs.countries if np.any(params.get(f"countries.{c}.shocks.sigma") > 0)]
    states: list[ShockStates] = [{} for _ in bounds]
    if not drawn:
        return states
    n, n_years = params.n, len(inputs.projected_years)
    generator, position = np.random.default_rng(spec.seed), 0
    for i, country in enumerate(drawn):
        for k, (start, _) in enumerate(bounds if side.columns is not None else bounds[:1]):
            target = (i * n + start) * n_years
            while position < target:  # standard normals are drawn one after another: skip ahead
                step = min(target - position, 1 << 20)
                generator.standard_normal(step)
                position += step
            states[k][country] = generator.bit_generator.state
    if side.columns is None:
        states = [states[0] for _ in bounds]
    return states


def evaluate(
    main: Side,
    reference: Side | None,
    matrix: pd.DataFrame,
    reduce: Reduce,
    *,
    rows: int | None = None,
    scheduler: str | None = None,
    label: str = "model runs",
) -> dict[str, np.ndarray]:
    """Per-row values of ``reduce(results, reference_results)`` over the matrix, block by block.

    Parameters
    ----------
    main, reference
        The scenario and (optionally) its reference, run on the same rows.
    matrix
        The parameter matrix (columns are dotted paths).
    reduce
        ``(results, reference results or None) -> {name: array}``, each array with one entry (or
        row) per sample of the block, or one for all of them (it is broadcast). A deterministic
        side's results have a single sample.
    rows
        Rows per block (default :data:`BLOCK_ROWS`).
    scheduler
        A dask.distributed scheduler address: the blocks become tasks on that cluster (which
        needs ``reduce`` to pickle). Default: one block after another in this process.
    label
        What the progress bar calls the blocks (shown on a terminal only).

    Returns
    -------
    dict of str -> numpy.ndarray
        Each array has ``len(matrix)`` rows, in matrix order; the same numbers with or without
        a scheduler.
    """
    bounds = row_blocks(len(matrix), rows or BLOCK_ROWS)
    main_states = shock_states(main, matrix, bounds)
    ref_states = (
        [{} for _ in bounds] if reference is None else shock_states(reference, matrix, bounds)
    )
    blocks = [
        (matrix.iloc[start:stop], states, ref_state)
        for (start, stop), states, ref_state in zip(bounds, main_states, ref_states, strict=True)
    ]
    description = f"{label} ({len(matrix):,} rows)"
    if scheduler is None:
        job = (main, reference, reduce)
        shown = track(blocks, description, len(blocks)) if len(blocks) > 1 else blocks
        memory = Memory(), Memory()  # every block's results in the same arrays
        parts = [_evaluate_block(job, *b, memory=memory) for b in shown]
    else:
        parts = _on_cluster(scheduler, (main, reference, reduce), blocks, description)
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


Job = tuple[Side, Side | None, Reduce]


def _evaluate_block(
    job: Job,
    rows: pd.DataFrame,
    states: ShockStates,
    ref_states: ShockStates,
    memory: tuple[Memory, Memory] | None = None,
) -> dict[str, np.ndarray]:
    """The reduced values of a block; copies, as the results' ``memory`` serves the next block."""
    main, reference, reduce = job
    main_memory, ref_memory = memory or (None, None)
    results = main.results(rows, states, main_memory)
    base = reference.results(rows, ref_states, ref_memory) if reference is not None else None
    out = {}
    for name, values in reduce(results, base).items():
        values = np.array(values)
        out[name] = np.broadcast_to(values, (len(rows), *values.shape[1:]))
    return out


def _on_cluster(
    scheduler: str, job: Job, blocks: list[tuple], description: str
) -> list[dict[str, np.ndarray]]:
    """The blocks as dask tasks on a dask.distributed cluster, results in block order."""
    import dask
    from distributed import Client

    shared = dask.delayed(job, pure=True, traverse=False)
    tasks = [dask.delayed(_evaluate_block, pure=True)(shared, *block) for block in blocks]
    with Client(scheduler) as client:
        return gather_with_progress(client, client.compute(tasks), description)
