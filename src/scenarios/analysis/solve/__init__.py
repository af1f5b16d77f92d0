"""What would it take: the value of a policy lever at which a claim holds with a given
probability over its scenario's uncertainty ensemble, and in the point run.

``levers`` reads a lever (a dotted config path) and its range; ``worlds`` builds the claim's
scenario and reference with the lever set, on common random numbers; ``one_lever`` scans and
bisects one lever; ``grid`` maps the probability over two; ``answers`` says what was found.
"""

from scenarios.analysis.solve.answers import Answer, Solution, describe_answer
from scenarios.analysis.solve.grid import GridSolution, probability_surface, solve_grid
from scenarios.analysis.solve.levers import Lever
from scenarios.analysis.solve.one_lever import monotone_warning, solve
from scenarios.analysis.solve.worlds import LeverWorlds, check_arguments

__all__ = [
    "Answer",
    "GridSolution",
    "Lever",
    "LeverWorlds",
    "Solution",
    "check_arguments",
    "describe_answer",
    "monotone_warning",
    "probability_surface",
    "solve",
    "solve_grid",
]
