"""``scenarios explore``: a local web app where levers move an ensemble and its verdicts.

The computation (:mod:`.levers`, :mod:`.engine`, :mod:`.verdicts`) has no web dependency; only
:mod:`.app` and :mod:`.serve` import Panel.
"""

from scenarios.outputs.explorer.engine import Answer, Explorer
from scenarios.outputs.explorer.levers import Lever, export_yaml, levers_for

__all__ = ["Answer", "Explorer", "Lever", "export_yaml", "levers_for"]
