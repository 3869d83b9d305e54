"""Reports of runs: the HTML summary page."""
