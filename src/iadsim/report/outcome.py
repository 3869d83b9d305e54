"""A threat's outcome as reports and exports show it: one key, one name, one colour.

The key is ``killed_<layer>`` for a threat killed by an interceptor of that
layer (see :data:`iadsim.catalog.schema.LAYERS`), ``leaked``, ``lost`` for a threat
whose jammed satellite navigation took it off its aim, ``expended`` for a
decoy that reached the end of its flight, or ``flying`` for a threat still in the
air when the run ended.
"""

from __future__ import annotations

from typing import Any

from iadsim.catalog.schema import LAYERS

LAYER_COLOURS = {"very_long": "#08306b", "long": "#2166ac", "medium": "#762a83", "short": "#1b7837",
                 "point": "#5aae61"}
LAYER_NAMES = {"very_long": "very-long-range", "long": "long-range", "medium": "medium-range",
               "short": "short-range", "point": "point-defence"}
LEAKED_COLOUR = "#d62728"
FLYING_COLOUR = "#e69f00"
EXPENDED_COLOUR = "#a6a6a6"
LOST_COLOUR = "#17becf"
INTERCEPTOR_COLOUR = "#6b7b8c"
OUTCOME_KEYS: tuple[str, ...] = (*(f"killed_{layer}" for layer in LAYERS), "leaked", "lost", "expended", "flying")


def outcome_key(outcome: dict[str, Any]) -> str:
    """The key of one record of :func:`iadsim.metrics.threat_outcomes`."""
    if outcome["fate"] == "killed":
        return f"killed_{outcome['layer']}"
    return str(outcome["fate"])


def outcome_name(key: str) -> str:
    """What a legend says for an outcome key."""
    if key.startswith("killed_"):
        return f"killed by the {LAYER_NAMES[key.removeprefix('killed_')]} layer"
    return {"leaked": "leaked", "lost": "lost (navigation jammed, off its aim)",
            "expended": "decoy spent (reached its end)", "flying": "still flying at the end"}[key]


def outcome_colour(key: str) -> str:
    """``#rrggbb`` of an outcome key: the layer's colour for a kill, red for a leak, teal for a threat lost,
    grey for a spent decoy, amber for still flying."""
    if key.startswith("killed_"):
        return LAYER_COLOURS[key.removeprefix("killed_")]
    return {"leaked": LEAKED_COLOUR, "lost": LOST_COLOUR, "expended": EXPENDED_COLOUR, "flying": FLYING_COLOUR}[key]
