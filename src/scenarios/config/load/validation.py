"""A merged dict -> a frozen `Spec`; pydantic's errors -> problems with key paths and hints."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from scenarios.config.load.merge import parse_override
from scenarios.config.schema import Spec
from scenarios.errors import ConfigError, Problem


def validate(
    data: dict[str, Any], *, file: str | None = None, overrides: list[str] | None = None
) -> Spec:
    """Validate a merged config dict; every problem is reported at once with its key path, and
    blames the ``--set`` option that gave the bad value, not the file."""
    try:
        return Spec.model_validate(data)
    except ValidationError as exc:
        problems = [config_problem(err, file) for err in _drop_other_branches(exc.errors())]
        raise ConfigError(
            "invalid config", problems=_blame_overrides(problems, overrides or [])
        ) from None


def _blame_overrides(problems: list[Problem], overrides: list[str]) -> list[Problem]:
    keys = {tuple(parse_override(text)[0]): text for text in overrides}
    for problem in problems:
        at = tuple((problem.path or "").split("."))
        blamed = [text for key, text in keys.items() if at[: len(key)] == key]
        if blamed:
            problem.file = f"command-line option --set {blamed[-1]}"
    return problems


def _is_branch(part: Any) -> bool:
    """pydantic names the branch of a union in an error's location (``list[...Budget]``)."""
    return isinstance(part, str) and "[" in part


def _drop_other_branches(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """A bad value of a union (one budget or a list of budgets) fails every branch: drop the
    'Input should be a valid list' of the branch whose shape the value does not have."""

    def mismatch(err: ErrorDetails) -> bool:
        return (
            err["type"] in ("list_type", "model_type")
            and bool(err["loc"])
            and _is_branch(err["loc"][-1])
        )

    def explained(err: ErrorDetails) -> bool:
        at = err["loc"][:-1]
        return any(not mismatch(e) and e["loc"][: len(at)] == at for e in errors)

    return [err for err in errors if not (mismatch(err) and explained(err))]


def config_problem(err: ErrorDetails, file: str | None) -> Problem:
    loc = [str(p) for p in err["loc"] if not _is_branch(p)]
    path = ".".join(loc)
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        close = difflib.get_close_matches(loc[-1], allowed, n=1)
        hint = f"did you mean '{close[0]}'?" if close else None
        valid = f"valid keys here: {', '.join(allowed)}" if allowed else None
        return Problem(
            f"unknown key '{loc[-1]}'", file, path, None, "; ".join(h for h in (hint, valid) if h)
        )
    message = err["msg"].removeprefix("Value error, ")
    value = err.get("input")
    if kind == "missing":
        return Problem("required key is missing", file, path, None, f"add '{loc[-1]}: ...'")
    if isinstance(value, dict):
        value = None
    return Problem(message, file, path, value, None)


def _allowed_keys(loc: list[str]) -> list[str]:
    """Field names of the model at a location in the Spec (for 'did you mean')."""
    model: type[BaseModel] = Spec
    for key in loc:
        field = model.model_fields.get(key)
        if field is None:  # a dict key such as a country code: step into the dict's value model
            continue
        inner = _model_in(field.annotation)
        if inner is None:
            return []
        model = inner
    return sorted(model.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
