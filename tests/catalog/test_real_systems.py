"""The systems in the news: they load, every choice between sources is explained, the headline
figures stay what their sources say, the generated reference is current, and the engine runs them."""

from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pytest

import iadsim
from iadsim.catalog import load_catalog
from iadsim.catalog.document import COMMAND, catalog_markdown, field_dimension
from iadsim.errors import parse_path
from iadsim.units import parse_quantity
from iadsim.yamlio import read_yaml_file
from tests.helpers import scenario

REPO = Path(__file__).resolve().parents[2]
REAL_FILES = ("s400.yaml", "patriot.yaml", "steel_dome.yaml", "threats.yaml", "jammers.yaml")

ISSUE_ENTRIES = {
    "fire_unit": ["s400-battalion", "patriot-battery", "steel-dome-hisar-a-battery",
                  "steel-dome-hisar-o-battery", "steel-dome-siper-battery", "steel-dome-korkut-system"],
    "radar": ["s400-91n6e-class-radar", "s400-92n6e-class-radar", "s400-96l6e-class-radar",
              "patriot-mpq65-class-radar", "steel-dome-hisar-search-class-radar",
              "steel-dome-siper-class-radar", "steel-dome-korkut-class-radar",
              "steel-dome-alp300g-class-radar"],
    "interceptor": ["s400-40n6-class", "s400-48n6-class", "s400-9m96e2-class", "s400-9m96e-class",
                    "pac2-gemt-class", "pac3-mse-class", "steel-dome-hisar-a-class",
                    "steel-dome-hisar-o-class", "steel-dome-siper-class", "steel-dome-korkut-35mm-class"],
    "threat": ["f16-class", "f35-class", "shahed-136-class", "kalibr-class", "tomahawk-class",
               "iskander-m-class", "atacms-class", "gmlrs-class"],
    "jammer": ["ea18g-alq99-class-jammer", "ea18g-alq249-class-jammer", "escort-alq99-class-jammer",
               "f16-alq184-class-jammer", "f35-class-jammer", "krasukha-4-class-jammer"],
}


def real_entries():
    catalog = load_catalog()
    return catalog, [e for e in catalog if Path(catalog.files[e.name]).name in REAL_FILES]


def test_every_issue_entry_exists_with_its_kind():
    catalog = load_catalog()
    for kind, names in ISSUE_ENTRIES.items():
        for name in names:
            assert catalog.find(name, kind) is not None, f"{name} ({kind}) missing"


def _si(value, field_info):
    dimension = field_dimension(field_info)
    return parse_quantity(value, dimension) if dimension else float(value)


def test_every_choice_between_sources_is_explained_and_inside_its_range():
    _, entries = real_entries()
    assert len(entries) >= 30
    for entry in entries:
        for name, citation in entry.citations.items():
            where = f"{entry.name}.{name}"
            if citation.range is not None or "iadsim-estimate" in citation.source:
                assert citation.note, f"{where}: a range or an estimate needs a note saying why"
            if citation.range is not None:
                *owner_path, field = parse_path(name)  # a jammer's band figures: bands[0].erp
                owner = entry
                for part in owner_path:
                    owner = owner[part] if isinstance(part, int) else getattr(owner, part)
                low, high = (_si(v, type(owner).model_fields[field]) for v in citation.range)
                value = getattr(owner, field)
                assert low * (1 - 1e-9) <= value <= high * (1 + 1e-9), f"{where}: outside its own range"


def test_every_source_a_new_file_lists_has_an_address_and_is_cited():
    catalog, entries = real_entries()
    cited = {key for e in entries for c in e.citations.values() for key in c.source}
    for path in REAL_FILES:
        listed = read_yaml_file(REPO / "src/iadsim/catalog/data" / path).data["sources"]
        for key in listed:
            assert catalog.sources[key].url, f"{path}: source '{key}' has no address"
            assert key in cited, f"{path}: source '{key}' is listed but no figure cites it"


# (type, field, value in SI, a source that states it): a careless edit of these is caught.
HEADLINES = [
    ("s400-40n6-class", "max_range", 400e3, "wiki-s400"),
    ("s400-48n6-class", "max_range", 250e3, "peopledaily-s400-moscow"),
    ("s400-48n6-class", "max_target_speed", 4800.0, "sputnik-s400-tests-2007"),
    ("s400-9m96e2-class", "max_range", 120e3, "wiki-s400"),
    ("s400-battalion", "launchers", 8, "sputnik-s400-crimea-2018"),
    ("s400-battalion", "setup_time", 300.0, "peopledaily-s400-moscow"),
    ("s400-battalion", "cost_usd", 2.5e9 / 4, "echoturkey-s400-deal"),  # two systems, four batteries
    ("pantsir-57e6-class", "max_range", 20e3, "sputnik-pantsir-syria-2018"),
    ("pantsir-57e6-class", "max_altitude", 15e3, "sputnik-pantsir-syria-2018"),
    ("pantsir-57e6-class", "max_target_speed", 1000.0, "wiki-pantsir"),
    ("pantsir-s1-class", "rounds_per_launcher", 12, "tass-pantsir-serbia-2020"),
    ("pantsir-1rs1-class-radar", "detection_range", 36e3, "wiki-pantsir"),
    ("pac3-mse-class", "cost_usd", 4e6, "tectonic-pac3"),
    ("patriot-battery", "cost_usd", 1.1e9, "tectonic-pac3"),
    ("patriot-battery", "sustainment_cost_usd_per_year", 50e6 / 4, "lexington-patriot-os"),
    ("pac2-gemt-class", "max_range", 160e3, "wiki-patriot"),
    ("steel-dome-hisar-o-class", "max_range", 25e3, "trt-hisar-o-plus"),
    ("steel-dome-hisar-o-battery", "fire_control_channels", 9, "trt-hisar-o-plus"),
    ("steel-dome-siper-class", "max_range", 100e3, "trt-siper-test"),
    ("shahed-136-class", "speed", 185 / 3.6, "euronews-shahed"),
    ("kalibr-class", "cost_usd", 6.5e6, "forbesua-missile-costs"),
    ("iskander-m-class", "max_range", 500e3, "mda-iskander"),
    ("atacms-class", "max_range", 300e3, "csis-atacms"),
    ("f16-class", "rcs", 1.2, "globalsecurity-rcs"),
    ("f35-class", "rcs", 0.005, "globalsecurity-rcs"),
    ("f35-class", "cost_usd", 82.5e6, "factually-f35-cost"),
]


@pytest.mark.parametrize(("name", "field", "expected", "source"), HEADLINES)
def test_headline_figures_match_their_sources(name, field, expected, source):
    entry = load_catalog().find(name)
    assert getattr(entry, field) == pytest.approx(expected), f"{name}.{field}"
    assert source in entry.citations[field].source, f"{name}.{field} should cite {source}"


def test_the_s400_price_note_keeps_the_reported_deal():
    note = load_catalog().find("s400-battalion").citations["cost_usd"].note
    assert "$2.5 billion for two systems of two batteries" in note


def test_the_committed_catalog_reference_is_current():
    committed = (REPO / "docs" / "catalog.md").read_text(encoding="utf-8")
    assert committed == catalog_markdown(), f"docs/catalog.md is stale: run `{COMMAND}`"


def test_the_reference_shows_every_type_and_every_cited_source():
    catalog = load_catalog()
    text = catalog_markdown(catalog)
    for entry in catalog:
        assert f"### `{entry.name}`" in text
        for citation in entry.citations.values():
            for key in citation.source:
                assert f"- **{key}**:" in text


def _s400_city(raids, duration="25 min"):
    unit = {"name": "Battalion", "type": "s400-battalion", "position": {"lat": 38.40, "lon": 27.10},
            "inventory": {"s400-40n6-class": 4, "s400-48n6-class": 16, "s400-9m96e2-class": 8,
                          "s400-9m96e-class": 8}}
    return scenario(units=[unit], raids=raids, duration=duration)


def test_the_battalion_fights_a_mixed_raid_and_its_costs_are_the_catalog_prices():
    raids = [{"name": "Drones", "type": "shahed-136-class", "count": 6, "launch_interval": "10 s",
              "launch_point": {"lat": 38.85, "lon": 27.45}, "target": "City"},
             {"name": "Missiles", "type": "iskander-m-class", "count": 2, "launch_time": "5 min",
              "launch_point": {"lat": 39.30, "lon": 27.90}, "target": "City"}]
    result = iadsim.simulate(_s400_city(raids), seed=5)
    catalog = load_catalog()
    metrics = result.metrics
    assert metrics["interceptors_fired"] > 0
    fired = {name: metrics.get(f"interceptors_{name}", 0) for name in catalog.fire_unit("s400-battalion").interceptors}
    assert sum(fired.values()) == metrics["interceptors_fired"]
    assert metrics["cost_defender"] == pytest.approx(
        sum(n * catalog.interceptor(name).cost_usd for name, n in fired.items()))
    assert metrics["cost_attacker"] == pytest.approx(6 * 35_000 + 2 * 3_000_000)


def test_the_low_observable_fighter_is_seen_at_a_quarter_of_the_range():
    """Same route, speed and altitude; only the catalog RCS differs (0.005 against 1.2 m^2):
    the radar equation gives (0.005/1.2)^(1/4) = 0.254 of the detection range."""
    first_seen_m = {}
    for kind in ("f16-class", "f35-class"):
        raid = {"name": "Strike", "type": kind, "altitude": "9000 m",
                "launch_point": {"lat": 42.20, "lon": 27.14}, "target": "City"}
        events = iadsim.simulate(_s400_city([raid], duration="23 min"), seed=1).events
        detections = events.filter(pc.equal(events.column("kind"), "detect"))
        first_seen_m[kind] = float(np.max(detections.column("value").to_numpy()))
    ratio = first_seen_m["f35-class"] / first_seen_m["f16-class"]
    assert ratio == pytest.approx((0.005 / 1.2) ** 0.25, rel=0.05)
