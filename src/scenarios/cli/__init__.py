"""The ``scenarios`` command line: each command is a few lines over :mod:`scenarios.api`.

:mod:`~scenarios.cli.app` holds the Typer application and what commands share; the modules beside
it hold the commands by what they do; below they are registered in the order ``--help`` lists them;
:mod:`~scenarios.cli.main` runs a command and turns failures into messages and exit codes.
"""

from scenarios.cli import analysis, calibration, data, running, solve
from scenarios.cli.app import app, data_app
from scenarios.cli.main import main

COMMANDS = {
    "run": running.run,
    "compare": running.compare,
    "validate": running.validate,
    "stress": analysis.stress,
    "solve": solve.solve,
    "sensitivity": analysis.sensitivity,
    "audit": analysis.audit,
    "explore": analysis.explore,
    "calibrate": calibration.calibrate,
    "backtest": calibration.backtest,
    "list": running.list_configs,
    "schema": running.schema,
}
DATA_COMMANDS = {"show": data.show, "import": data.import_download}

for name, command in COMMANDS.items():
    app.command(name)(command)
for name, command in DATA_COMMANDS.items():
    data_app.command(name)(command)

__all__ = ["app", "main"]
