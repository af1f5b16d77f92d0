"""The model: pure numpy over (sample, year), no I/O. Inputs, growth, pipeline, impact, money,
and the engine that runs them."""
