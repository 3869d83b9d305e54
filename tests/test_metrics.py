"""Metrics are counts over the event log, consistent with each other and with the log."""


def test_metrics_agree_with_the_event_log(demo_result):
    events = demo_result.to_pandas()
    metrics = demo_result.metrics
    assert metrics["threats"] == (events.kind == "threat_launch").sum()
    assert metrics["killed"] == (events.kind == "intercept").sum()
    assert metrics["leaked"] == (events.kind == "leak").sum()
    assert metrics["interceptors_fired"] == (events.kind == "launch").sum()
    per_type = sum(v for k, v in metrics.items() if k.startswith("interceptors_generic"))
    assert per_type == metrics["interceptors_fired"]
    assert metrics["killed_long"] + metrics["killed_short"] == metrics["killed"]
    launches = events[events.kind == "launch"]
    assert metrics["cost_defender"] == launches.value.sum()
    assert metrics["leak_fraction"] == metrics["leaked"] / metrics["threats"]
