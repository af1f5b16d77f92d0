"""The analyses over the model: metrics, sampling, ensembles, sensitivity, claims and stress tests,
discovery, calibration, the published-figure audit."""
