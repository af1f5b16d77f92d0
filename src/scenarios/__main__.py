"""The ``scenarios`` command (also ``python -m scenarios``).

Only the standard library is imported before the guard, so that Ctrl-C while the command line
and its libraries load ends with one line and exit code 130, like Ctrl-C anywhere else.
"""

import sys


def main() -> None:
    """Load the command line under a Ctrl-C guard, then run it."""
    try:
        from scenarios.cli import main as run_command_line
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    run_command_line()


if __name__ == "__main__":
    main()
