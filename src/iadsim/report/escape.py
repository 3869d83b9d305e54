"""Scenario-supplied text made safe for a report page.

Names in a scenario (raids, assets, units) and in a catalog are user text. In
the page's HTML the template engine escapes them; in the figures they go
through :func:`text`, because plotly reads ``<b>``-style tags in labels and
hover text and shows escaped entities as the characters they stand for; data
embedded as JSON goes through :func:`json_for_script`, so that nothing in it
can close the ``<script>`` element (``</script>``) or open a comment (``<!--``).
"""

from __future__ import annotations

import html
from typing import Any

from plotly.io.json import to_json_plotly

_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                              "\u2028": "\\u2028", "\u2029": "\\u2029"})


def text(value: object) -> str:
    """``value`` as text that plotly shows literally: ``<``, ``>`` and ``&`` become entities."""
    return html.escape(str(value), quote=False)


def json_for_script(payload: Any) -> str:
    """``payload`` (numpy arrays allowed, NaN as null) as JSON safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as ``\\u003c``-style escapes, which JSON
    reads back as the same characters; line and paragraph separators too, for
    older JavaScript parsers.
    """
    return to_json_plotly(payload).translate(_SCRIPT_SAFE)
