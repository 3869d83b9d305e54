"""Run report of the demo: its size, and how long it takes to open in headless Chromium.

Simulates examples/demo.yaml, writes its results folder (report.html included),
then opens the report in Debian's Chromium (driven by Playwright, network off)
`--repeat` times, each in a fresh page, and times it from navigation until every
figure has drawn and the replay has placed its markers. As a baseline in the same
run it opens a page holding only plotly's JavaScript (what any plotly page costs).

Targets (issue 7): the demo report is under 10 MB and opens in under 2 s.
Prints a table; the last line is one JSON object:
{"report_mb": ..., "open_s": ..., "plotly_only_open_s": ..., "render_s": ...}.

    python benchmarks/bench_report.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import plotly.offline

import iadsim
from iadsim.report.page import render_run_report
from iadsim.report.record import RunRecord
from iadsim.results import summary_of, write_run

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo.yaml"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
DRAWN = """() => ["map", "timeline", "chart-interceptors", "chart-kills", "chart-reaction", "chart-cost"]
    .every(id => document.querySelector("#" + id + " .main-svg"))
    && document.getElementById("replay-clock").value !== "" """


def open_seconds(context: object, path: Path, ready: str, repeat: int) -> list[float]:
    """Seconds from navigation to ``ready`` being true, once per fresh page."""
    times = []
    for _ in range(repeat):
        page = context.new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://")
                   else route.abort())
        start = time.perf_counter()
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function(ready, timeout=30_000)
        times.append(time.perf_counter() - start)
        page.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "demo"
        result = iadsim.simulate(iadsim.load_scenario(DEMO))
        start = time.perf_counter()
        render_run_report(RunRecord.of_result(result, summary_of(result)))
        render_s = time.perf_counter() - start
        write_run(result, folder)
        report = folder / "report.html"
        baseline = Path(work) / "plotly-only.html"
        baseline.write_text(f"<!doctype html><meta charset=utf-8><script>{plotly.offline.get_plotlyjs()}</script>"
                            "<div id=p></div><script>Plotly.newPlot('p', [{y: [1, 2, 3]}]);</script>")
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                str(Path(work) / "profile"), executable_path=CHROMIUM, headless=True, args=FLAGS, offline=True)
            open_seconds(context, report, DRAWN, 1)  # warm the browser's caches of its own code
            report_times = open_seconds(context, report, DRAWN, args.repeat)
            baseline_times = open_seconds(context, baseline, "() => document.querySelector('#p .main-svg')",
                                          args.repeat)
            context.close()
        size_mb = report.stat().st_size / 1e6
    open_s = statistics.median(report_times)
    plotly_s = statistics.median(baseline_times)
    print(f"{'page':<28}{'size MB':>9}{'open s (median)':>17}{'min':>8}{'max':>8}")
    print(f"{'demo report.html':<28}{size_mb:>9.2f}{open_s:>17.3f}{min(report_times):>8.3f}{max(report_times):>8.3f}")
    print(f"{'plotly.js alone (baseline)':<28}{'':>9}{plotly_s:>17.3f}{min(baseline_times):>8.3f}"
          f"{max(baseline_times):>8.3f}")
    print(f"rendering the report in Python: {render_s:.2f} s; targets: < 10 MB, < 2 s to open")
    print(json.dumps({"report_mb": round(size_mb, 3), "open_s": round(open_s, 3),
                      "plotly_only_open_s": round(plotly_s, 3), "render_s": round(render_s, 3)}))


if __name__ == "__main__":
    main()
