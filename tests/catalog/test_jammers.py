"""Jammer types and the radars' electronic-warfare figures: cited like every figure, refused when malformed."""

from pathlib import Path

import pytest

from iadsim.catalog import load_catalog
from iadsim.errors import UserError
from tests.catalog.test_catalog import write

JAMMER = """\
sources:
  my-source: {title: My public page, publisher: Somebody}
entries:
  - name: my-jammer
    kind: jammer
    role: self_protection
    description: A pod of my own.
    source: my-source
    bands:
      - band: X
        erp: ERP
        bandwidth: 20 MHz
    coverage: 120 deg
"""


def refusal(tmp_path: Path, text: str) -> str:
    with pytest.raises(UserError) as error:
        load_catalog([write(tmp_path, text)])
    return error.value.render()


def test_every_role_the_issue_names_is_in_the_catalog_with_every_band_figure_cited():
    """Stand-off (ALQ-99-class and its successor), escort, self-protection (F-16 and F-35-class) and ground
    jammers; each band's power and bandwidth cites a listed source, estimates marked as such."""
    catalog = load_catalog()
    jammers = catalog.of_kind("jammer")
    assert {j.role for j in jammers} == {"stand_off", "escort", "self_protection", "ground"}
    for name in ("ea18g-alq99-class-jammer", "ea18g-alq249-class-jammer", "f16-alq184-class-jammer",
                 "f35-class-jammer", "krasukha-4-class-jammer", "escort-alq99-class-jammer"):
        assert catalog.find(name, "jammer") is not None
    for jammer in jammers:
        for index, _ in enumerate(jammer.bands):
            for figure in ("erp", "bandwidth"):
                citation = jammer.citations[f"bands[{index}].{figure}"]
                assert set(citation.source) <= set(catalog.sources)
                assert "iadsim-estimate" in citation.source, "no public ERP or bandwidth: marked an estimate"
                assert citation.range is not None and citation.note
        assert "coverage" in jammer.citations


def test_a_user_jammer_loads_with_its_power_in_si(tmp_path):
    catalog = load_catalog([write(tmp_path, JAMMER.replace("ERP", "25 dBW"))])
    band = catalog.jammer("my-jammer").bands[0]
    assert band.erp == pytest.approx(316.2278, rel=1e-6) and band.bandwidth == 20e6
    assert catalog.jammer("my-jammer").citations["bands[0].erp"].source == ["my-source"]


def test_jammer_power_without_units_is_refused_with_its_line(tmp_path):
    text = refusal(tmp_path, JAMMER.replace("ERP", "300"))
    assert f"{tmp_path / 'mine.yaml'}:11: entries[0].bands[0].erp: 300 has no unit" in text
    assert "like '30 dBW'" in text and "W, kW, MW, mW, dBW, dBm" in text


def test_an_unknown_band_is_refused_with_the_bands_there_are(tmp_path):
    text = refusal(tmp_path, JAMMER.replace("ERP", "25 dBW").replace("band: X", "band: Z"))
    assert ":10: entries[0].bands[0].band:" in text
    assert "'S', 'C', 'X', 'Ku'" in text


def test_a_band_listed_twice_is_refused(tmp_path):
    second_x = "      - {band: X, erp: 20 dBW, bandwidth: 5 MHz}\n    coverage:"
    twice = JAMMER.replace("ERP", "25 dBW").replace("    coverage:", second_x)
    assert "band X is listed twice" in refusal(tmp_path, twice)


def test_an_uncited_band_figure_is_refused_with_its_line(tmp_path):
    uncited = JAMMER.replace("ERP", "25 dBW").replace("    source: my-source\n", "")
    text = refusal(tmp_path, uncited)
    assert ":10: entries[0].bands[0].erp: figure 'bands[0].erp' has no source" in text


RADAR = JAMMER.split("entries:")[0] + """entries:
  - name: my-radar
    kind: radar
    role: search
    description: A radar of my own.
    source: my-source
    detection_range: 100 km
    reference_rcs: 1 m^2
    max_range: 150 km
    antenna_height: 10 m
    scan_period: 5 s
    track_capacity: 50
    range_sigma: 50 m
    azimuth_sigma: 0.2 deg
    elevation_sigma: 0.3 deg
    band: S
    antenna_gain: GAIN
"""


def test_a_radar_gain_without_units_is_refused(tmp_path):
    assert "entries[0].antenna_gain: 35 has no unit" in refusal(tmp_path, RADAR.replace("GAIN", "35"))


def test_a_radar_with_a_band_but_not_the_rest_is_refused(tmp_path):
    text = refusal(tmp_path, RADAR.replace("GAIN", "35 dBi"))
    assert "a radar with a band needs bandwidth, beamwidth, sidelobe_level, noise_figure too" in text
