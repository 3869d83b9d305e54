"""A plain, self-contained HTML summary of one run: metrics, threat outcomes, events, scenario."""

from __future__ import annotations

from collections import Counter

import jinja2
import yaml

from iadsim import __version__
from iadsim.engine import RunResult
from iadsim.metrics import threat_outcomes

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("iadsim.report", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def render_summary_page(result: RunResult) -> str:
    """The summary page as one HTML string; every scenario-supplied text is escaped."""
    kinds = Counter(result.events.column("kind").cast("string").to_pylist())
    return _ENVIRONMENT.get_template("summary.html.j2").render(
        result=result,
        scenario=result.scenario,
        metrics=result.metrics,
        outcomes=threat_outcomes(result.events),
        event_counts=sorted(kinds.items(), key=lambda item: -item[1]),
        scenario_yaml=yaml.safe_dump(result.scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True),
        version=__version__,
    )
