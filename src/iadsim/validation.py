"""Turn pydantic validation errors into user problems with a line, a path and a hint."""

from __future__ import annotations

import types
import typing
import unicodedata
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from iadsim.errors import Problem, UserError, did_you_mean, format_path, shorten, shown
from iadsim.yamlio import Document

M = typing.TypeVar("M", bound=BaseModel)
MISSING_FIELD = "this field is required but missing"


class StrictModel(BaseModel):
    """Base of the input files' models: unknown fields, NaN and infinity are refused, and so are
    ``true``/``false`` where a number is expected (pydantic would read ``count: true`` as 1)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_booleans_as_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, bool) and info.field_name is not None:
            annotation = cls.model_fields[info.field_name].annotation
            if annotation is not bool and bool not in typing.get_args(annotation):
                raise ValueError(f"{str(value).lower()} is a yes/no value, not what this field holds")
        return value


def _whole_number(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is a yes/no value, not a whole number")
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
"""An integer that refuses ``true``/``false`` (for values inside mappings and lists, which the model-wide
check of :class:`StrictModel` does not reach)."""


def _name(value: Any) -> Any:
    """Names are compared as people read them: Unicode NFC, without surrounding spaces; no control characters."""
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFC", value).strip()
    if not text:
        raise ValueError("a name cannot be empty or blank")
    if any(unicodedata.category(character) in ("Cc", "Cf") for character in text):
        raise ValueError("a name cannot hold control or invisible formatting characters")
    return text


def name_type(max_length: int) -> Any:
    """A name field: normalised by :func:`_name`, 1 to ``max_length`` characters."""
    return Annotated[str, BeforeValidator(_name), Field(min_length=1, max_length=max_length)]


def validate_model(
    model: type[M], data: object, document: Document, prefix: Sequence[str | int] = ()
) -> M:
    """Validate ``data`` as ``model``; on failure raise a ``UserError`` listing every problem."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise UserError(problems_from(error, model, document, prefix), document.file) from None


def problems_from(
    error: ValidationError, model: type[BaseModel], document: Document, prefix: Sequence[str | int] = ()
) -> list[Problem]:
    """One :class:`Problem` per pydantic error, located in ``document``."""
    problems = []
    for item in error.errors(include_url=False):
        location = (*prefix, *item["loc"])
        message, expected, suggestion = _explain(item, model, tuple(item["loc"]))
        problems.append(
            Problem(
                message,
                path=format_path(location),
                line=document.line_of(location),
                expected=expected,
                suggestion=suggestion,
            )
        )
    return problems


def _explain(item: dict, model: type[BaseModel], loc: tuple) -> tuple[str, str | None, str | None]:
    kind = item["type"]
    given = item.get("input")
    if kind == "missing":
        return MISSING_FIELD, _describe_field(model, loc), None
    if kind == "extra_forbidden":
        allowed = _field_names(model, loc[:-1])
        name = str(loc[-1])
        return (
            f"unknown field '{shorten(name)}'",
            f"one of: {', '.join(allowed)}" if allowed else None,
            did_you_mean(name, allowed),
        )
    if kind == "value_error":
        return item["msg"].removeprefix("Value error, "), None, None
    if kind in {"finite_number"}:
        return f"{shown(given)} is not a finite number", "a finite number", None
    message = f"{item['msg']} (got {shown(given)})" if not isinstance(given, dict | list) else item["msg"]
    return message, _describe_field(model, loc), None


def _describe_field(model: type[BaseModel], loc: tuple) -> str | None:
    if not loc:  # the whole value has the wrong type (a catalog source that is not a mapping)
        return None
    owner = _model_at(model, loc[:-1])
    if owner is None or not isinstance(loc[-1], str):
        return None
    info = owner.model_fields.get(loc[-1])
    return info.description if info is not None else None


def _field_names(model: type[BaseModel], loc: tuple) -> list[str]:
    owner = _model_at(model, loc)
    return list(owner.model_fields) if owner is not None else []


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The model class that holds the value at ``loc``, following lists and dicts."""
    current: object = model
    for part in loc:
        current = unwrap_annotation(current)
        if isinstance(current, type) and issubclass(current, BaseModel) and isinstance(part, str):
            info = current.model_fields.get(part)
            if info is None:
                return None
            current = info.annotation
        elif typing.get_origin(current) in (list, tuple) and isinstance(part, int):
            current = typing.get_args(current)[0]
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        else:
            return None
    current = unwrap_annotation(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def unwrap_annotation(annotation: object) -> object:
    """Strip ``Annotated`` and ``X | None`` so the underlying type shows."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation
