"""Types of catalog entries: radars, interceptors, fire units, threats and jammers.

Every number in a catalog entry is a *figure* with a public source. In YAML a
figure is written either bare (``max_range: 100 km``), taking the entry's
default ``source``, or in full::

    max_range:
      value: 100 km
      source: wiki-patriot          # a key of a ``sources:`` list, or a list of keys
      range: [70 km, 160 km]        # where sources disagree
      note: chose the PAC-2 figure

The loader (:mod:`iadsim.catalog.loader`) splits the two, so these models
hold plain SI values and ``citations`` maps each figure to where it came from.
"""

from __future__ import annotations

import typing
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from iadsim.units import Acceleration, Angle, Area, Duration, Frequency, Gain, Length, Power, Speed

Layer = Literal["very_long", "long", "medium", "short", "point"]
ThreatClass = Literal["aircraft", "drone", "cruise_missile", "ballistic_missile"]

Band = Literal["VHF", "UHF", "L", "S", "C", "X", "Ku", "K", "Ka"]
JammerRole = Literal["stand_off", "escort", "self_protection", "ground"]
DecoyKind = Literal["air_launched", "ballistic_release", "towed"]
RADAR_ROLES: tuple[str, ...] = ("search", "fire_control", "low_altitude")
DECOY_CARRIERS: dict[str, tuple[str, ...]] = {
    "air_launched": ("aircraft",), "ballistic_release": ("ballistic_missile",), "towed": ("aircraft",)}
"""The threat classes that can carry each kind of decoy (``raids[].decoys``): an air-launched or towed
decoy needs an aircraft, a released one a ballistic missile."""
Hardness = Literal["soft", "armoured"]
HARDNESS: tuple[str, ...] = ("soft", "armoured")
"""What a strike's damage depends on: soft-skinned (trucks, radar antennas, shelters of sheet metal) or
armoured (armoured vehicles, hardened or revetted positions)."""

LAYERS: tuple[str, ...] = ("very_long", "long", "medium", "short", "point")
BAND_CENTRE_HZ: dict[str, float] = {
    "VHF": 165e6, "UHF": 650e6, "L": 1.5e9, "S": 3e9, "C": 6e9, "X": 10e9, "Ku": 15e9, "K": 22.5e9, "Ka": 33.5e9}
"""Centre of each IEEE radar band (IEEE Std 521-2002: VHF 30-300 MHz, UHF 300-1000 MHz, L 1-2 GHz, S 2-4,
C 4-8, X 8-12, Ku 12-18, K 18-27, Ka 27-40 GHz): a radar's wavelength when its type gives no frequency."""
THREAT_CLASSES: tuple[str, ...] = ("aircraft", "drone", "cruise_missile", "ballistic_missile")

Probability = Annotated[float, Field(gt=0.0, le=1.0)]
PositiveLength = Annotated[Length, Field(gt=0.0)]
NonNegativeLength = Annotated[Length, Field(ge=0.0)]
PositiveSpeed = Annotated[Speed, Field(gt=0.0)]
PositiveDuration = Annotated[Duration, Field(gt=0.0)]
NonNegativeDuration = Annotated[Duration, Field(ge=0.0)]


class Source(BaseModel):
    """A public document that catalog figures cite."""

    model_config = ConfigDict(extra="forbid")

    title: str
    publisher: str
    url: str | None = None
    date: str | None = Field(None, description="Publication or access date, ISO 8601.")


class Citation(BaseModel):
    """Where one figure comes from, and the spread between sources if they disagree."""

    model_config = ConfigDict(extra="forbid")

    source: list[str]
    range: tuple[str | float, str | float] | None = None
    note: str | None = None


class Entry(BaseModel):
    """Fields shared by all catalog entries."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Unique type name used in scenarios.")
    description: str
    citations: dict[str, Citation] = Field(default_factory=dict, exclude=True)


class RadarType(Entry):
    """A radar, described the way public sources quote it: a detection range for a reference RCS."""

    kind: Literal["radar"]
    role: Literal["search", "fire_control", "low_altitude"]
    detection_range: PositiveLength = Field(description="Range at which a target of reference_rcs is detected (m).")
    reference_rcs: Annotated[Area, Field(gt=0.0)] = Field(description="RCS the detection range refers to (m²).")
    max_range: PositiveLength = Field(description="Instrumented range: nothing beyond it is reported (m).")
    antenna_height: NonNegativeLength = Field(description="Height of the antenna above the ground (m).")
    scan_period: PositiveDuration = Field(description="Time between looks at the same direction (s).")
    min_elevation: Angle = Field(0.0, description="Lowest elevation the beam covers (rad).")
    track_capacity: int = Field(gt=0, description="Targets it can hold in track at once.")
    range_sigma: NonNegativeLength = Field(description="Standard deviation of range measurement (m).")
    azimuth_sigma: Annotated[Angle, Field(ge=0.0)] = Field(description="Standard deviation of azimuth (rad).")
    elevation_sigma: Annotated[Angle, Field(ge=0.0)] = Field(description="Standard deviation of elevation (rad).")
    reference_pd: Probability | None = Field(
        None, description="Probability of detection at detection_range against reference_rcs; without it, the "
                          "textbook convention (sensors/data/detection_conventions.yaml).")
    reference_pfa: Annotated[float, Field(gt=0.0, lt=0.1)] | None = Field(
        None, description="False-alarm probability per resolution cell the quoted range refers to; without it, "
                          "the textbook convention.")
    pulses_integrated: Annotated[int, Field(ge=1, le=100)] | None = Field(
        None, description="Pulses integrated non-coherently in one dwell on a target; without it, one.")
    sector_width: Annotated[Angle, Field(gt=0.0, le=6.2832)] | None = Field(
        None, description="Width of the azimuth sector it covers, centred on its unit's (or its own) heading "
                          "(rad); without it, all round.")
    max_elevation: Annotated[Angle, Field(gt=0.0, le=1.5708)] | None = Field(
        None, description="Top of the elevation coverage, stacked from beams of `beamwidth` (rad); without it, "
                          "a 2-D radar whose fan beam covers every elevation.")
    range_resolution: PositiveLength | None = Field(
        None, description="Length of one range cell (m); with `beamwidth`, sets the cells that can false-alarm.")
    beamwidth: Annotated[Angle, Field(gt=0.0)] | None = Field(
        None, description="Beamwidth in azimuth and elevation (rad); without it (or range_resolution), no false "
                          "alarms are drawn.")
    links: list[str] | None = Field(
        None, description="Data links it reports over when stand-alone (network `link` names); without it, any.")
    band: Band | None = Field(
        None, description="IEEE radar band it transmits in; with bandwidth, antenna_gain, beamwidth, sidelobe_level "
                          "and noise_figure, what a jammer acts on "
                          "(docs/models.md, Jamming); without them it cannot share a scenario with jammers.")
    frequency: Annotated[Frequency, Field(gt=0.0)] | None = Field(
        None, description="Carrier frequency (Hz); without it, the centre of its band.")
    bandwidth: Annotated[Frequency, Field(gt=0.0)] | None = Field(
        None, description="Receiver (instantaneous) bandwidth, about 1 / pulse length after compression (Hz).")
    antenna_gain: Annotated[Gain, Field(ge=1.0)] | None = Field(
        None, description="Main-lobe gain of its antenna on receive (write it in dBi).")
    sidelobe_level: Annotated[Gain, Field(gt=0.0, lt=1.0)] | None = Field(
        None, description="Mean side-lobe gain relative to the main lobe (write it in dB, negative); needed "
                          "with band.")
    noise_figure: Annotated[Gain, Field(ge=1.0)] | None = Field(
        None, description="Receiver noise figure (write it in dB); needed with band.")
    agile_bandwidth: Annotated[Frequency, Field(gt=0.0)] | None = Field(
        None, description="Band over which it hops its carrier (frequency agility, Hz): a jammer must spread its "
                          "power over at least this; without it, a fixed frequency.")
    sidelobe_cancellation: Annotated[Gain, Field(ge=1.0)] | None = Field(
        None, description="Suppression of jamming that enters its side lobes (side-lobe cancellers or "
                          "blanking, write it in dB); without it, none.")
    acquisition_time: NonNegativeDuration | None = Field(
        None, description="Engagement radar: from a cue (a track handed over by the air picture) to its first "
                          "look of its own at the target (s); without it, the default of "
                          "c2/data/kill_chain.yaml.")
    cue_accuracy: PositiveLength | None = Field(
        None, description="Engagement radar: how far outside its coverage (range and sector) a cued track may "
                          "lie and still be searched for (m); without it, the default of c2/data/kill_chain.yaml.")

    @model_validator(mode="after")
    def _jamming_figures_together(self) -> RadarType:
        needed = ("bandwidth", "antenna_gain", "beamwidth", "sidelobe_level", "noise_figure")
        if self.band is not None and any(getattr(self, name) is None for name in needed):
            missing = [name for name in needed if getattr(self, name) is None]
            raise ValueError(f"a radar with a band needs {', '.join(missing)} too (what a jammer acts on)")
        return self


class InterceptorType(Entry):
    """A surface-to-air missile type: its engagement envelope, kinematics, lethality and price."""

    kind: Literal["interceptor"]
    layer: Layer
    min_range: NonNegativeLength = Field(description="Minimum ground range of intercept (m).")
    max_range: PositiveLength = Field(description="Maximum ground range of intercept (m).")
    min_altitude: NonNegativeLength = Field(description="Lowest intercept altitude (m).")
    max_altitude: PositiveLength = Field(description="Highest intercept altitude (m).")
    average_speed: PositiveSpeed = Field(description="Mean speed over a typical flyout (m/s).")
    max_target_speed: PositiveSpeed = Field(description="Fastest target it can engage (m/s).")
    single_shot_pk: Probability = Field(description="Kill probability of one interceptor that reaches its target.")
    lethal_radius: PositiveLength = Field(description="Miss distance within which the warhead can kill (m).")
    cost_usd: float = Field(ge=0.0, description="Unit price (US dollars).")
    burnout_speed: PositiveSpeed | None = Field(
        None, description="Speed at the end of the boost, the peak of the flyout (m/s); flyout model.")
    boost_time: PositiveDuration | None = Field(None, description="Duration of the boost (s); flyout model.")
    sustain_time: NonNegativeDuration | None = Field(
        None, description="Duration of a sustain phase after the boost, thrust holding the speed (s); flyout model.")
    ballistic_coefficient: float | None = Field(
        None, gt=0.0, description="m / (C_D A) when coasting (kg/m²); flyout model.")
    max_load_factor: Annotated[Acceleration, Field(gt=0.0)] | None = Field(
        None, description="Largest lateral acceleration the airframe can pull (m/s², write it in g); flyout model.")
    manoeuvre_dynamic_pressure: float | None = Field(
        None, gt=0.0, description="Dynamic pressure ½ρv² at and above which max_load_factor is available (Pa); "
                                  "below it the lateral limit falls in proportion; flyout model.")
    navigation_constant: float | None = Field(
        None, gt=2.0, le=8.0, description="Proportional-navigation gain N' of the homing phase; flyout model.")
    damage_function: Literal["cookie_cutter", "carleton"] | None = Field(
        None, description="Kill probability against miss distance: cookie_cutter (pk within lethal_radius, 0 "
                          "beyond; the default) or carleton (pk exp(-(miss/lethal_radius)²)).")
    home_on_jam: bool = Field(
        False, description="Its seeker can home on a noise jammer's emission (home-on-jam): it may be fired at a "
                           "jammer the radars hold only by its strobes (an angle-only track); without it (or false) "
                           "it may not. It needs a homing phase (navigation_constant). A figure: it needs a source.")

    @model_validator(mode="after")
    def _home_on_jam_homes(self) -> InterceptorType:
        if self.home_on_jam and self.navigation_constant is None:
            raise ValueError("a round that homes on jam needs a homing phase: give its 'navigation_constant' "
                             "(proportional navigation gain N', 3 to 5), or leave 'home_on_jam' out")
        return self


class FireUnitType(Entry):
    """A fire unit (battery or battalion): radars, launchers and the interceptor types it fires."""

    kind: Literal["fire_unit"]
    radars: list[str] = Field(min_length=1, description="Radar types the unit carries, at its position.")
    interceptors: list[str] = Field(min_length=1, description="Interceptor types it can fire.")
    launchers: int = Field(gt=0, description="Number of launchers.")
    fire_control_channels: int = Field(gt=0, description="Targets it can engage at once.")
    guided_missiles: int = Field(gt=0, description="Interceptors it can guide in flight at once.")
    min_launch_interval: NonNegativeDuration = Field(description="Shortest time between two launches (s).")
    cost_usd: float = Field(ge=0.0, description="Acquisition cost of one unit (US dollars).")
    setup_time: NonNegativeDuration | None = Field(
        None, description="From halt after a march to ready to fire (s); catalog figure, optional.")
    march_time: NonNegativeDuration | None = Field(
        None, description="From ceasing fire to packed and moving (march-out) (s); catalog figure, optional.")
    sustainment_cost_usd_per_year: float | None = Field(
        None, ge=0.0, description="Published yearly operating and sustainment cost of one unit (US dollars).")
    links: list[str] | None = Field(
        None, description="Data links its command post and radars speak (network `link` names); without it, any.")
    rounds_per_launcher: int | None = Field(
        None, gt=0, description="Ready rounds one launcher holds; without it every round of the inventory is ready.")
    reload_time: NonNegativeDuration | None = Field(
        None, description="Time to reload an emptied launcher from the unit's magazine (s); without it, at once.")
    engagement_sector: Annotated[Angle, Field(gt=0.0, le=6.2832)] | None = Field(
        None, description="Width of the sector its fire-control radar covers, centred on the unit's heading "
                          "(rad); without it, all round.")
    hardness: Hardness = Field(
        "soft", description="How its parts (command post, radars, launchers) stand up to a strike: soft "
                            "(wheeled, soft-skinned; the default) or armoured.")
    cable_length: PositiveLength | None = Field(
        None, description="Farthest a part (radar, launcher) may stand from the command post, the reach of its "
                          "cables or links (m); without it, parts of a scenario's layout are not limited.")
    engage_on_remote: bool = Field(
        False, description="It can launch on another sensor's track and have guidance handed over (launch on "
                           "remote); without it (or false) it fires only at what its own engagement radar holds. "
                           "A figure: it needs a source.")


class WarheadDamage(BaseModel):
    """How a warhead kills one hardness of target: probability ``pk`` within ``lethal_radius`` (cookie_cutter),
    or ``pk``·exp(−(d/lethal_radius)²) (carleton). For a cluster warhead, ``lethal_radius`` is the radius of
    its submunition pattern and ``pk`` the chance that a target inside it is hit by a lethal submunition."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    hardness: Hardness
    lethal_radius: PositiveLength = Field(description="Lethal radius, or pattern radius of a cluster warhead (m).")
    pk: Probability = Field(description="Kill probability of a target at the aim point (within the radius).")
    damage_function: Literal["cookie_cutter", "carleton"] = Field(
        "cookie_cutter", description="Kill probability against distance from the point of impact.")


class Carried(BaseModel):
    """Weapons of one type an aircraft type carries (``loadout``): at most ``count`` of ``weapon`` on its pylons
    or in its bays, which a raid's ``releases`` draw on (docs/models.md, Aircraft that release weapons)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    weapon: str = Field(min_length=1, max_length=100, description="A catalog threat type it releases.")
    count: Annotated[int, Field(ge=1, le=100)] = Field(description="Most of this weapon one aircraft carries.")


class ThreatType(Entry):
    """An attacking aircraft, drone or missile."""

    kind: Literal["threat"]
    threat_class: ThreatClass
    speed: PositiveSpeed = Field(description="Cruise speed, or mean speed for ballistic flight (m/s).")
    cruise_altitude: NonNegativeLength = Field(description="Altitude flown en route (m).")
    apogee: NonNegativeLength | None = Field(None, description="Highest point of a ballistic arc (m).")
    rcs: Annotated[Area, Field(gt=0.0)] = Field(description="Radar cross-section, frontal (m²).")
    max_range: PositiveLength = Field(description="Maximum range (m).")
    cost_usd: float = Field(ge=0.0, description="Unit price (US dollars).")
    launcher: str | None = Field(
        None, description="What fires it and how many it carries, as public sources describe it (text).")
    burnout_speed: PositiveSpeed | None = Field(
        None, description="Speed at the end of the boost of a ballistic missile (m/s); flight model.")
    burn_time: PositiveDuration | None = Field(
        None, description="Duration of the boost of a ballistic missile (s); without it the boost is impulsive.")
    ballistic_coefficient: float | None = Field(
        None, gt=0.0, description="m / (C_D A) of the re-entering body (kg/m²); without it, no drag.")
    trajectory: Literal["minimum_energy", "apogee", "lofted", "depressed"] | None = Field(
        None, description="Ballistic trajectory flown (default: apogee when an apogee is given, else "
                          "minimum_energy; lofted and depressed need burnout_speed); flight model.")
    max_load_factor: Annotated[Acceleration, Field(gt=1.0)] | None = Field(
        None, description="Load factor of its coordinated turns (m/s², write it in g); flight model.")
    climb_rate: PositiveSpeed | None = Field(
        None, description="Largest rate of climb or dive (m/s); flight model.")
    terminal_manoeuvre: Annotated[Acceleration, Field(gt=0.0)] | None = Field(
        None, description="Lateral acceleration of a quasi-ballistic missile's weave on the way down (m/s², "
                          "write it in g); flight model.")
    terminal_manoeuvre_altitude: PositiveLength | None = Field(
        None, description="Altitude below which the terminal manoeuvre starts (m); flight model.")
    rcs_beam: Annotated[Area, Field(gt=0.0)] | None = Field(
        None, description="RCS seen from the side (m²); with rcs_tail, an aspect table nose-beam-tail, "
                          "interpolated in dB; without it, `rcs` from every aspect.")
    rcs_tail: Annotated[Area, Field(gt=0.0)] | None = Field(None, description="RCS seen from behind (m²).")
    swerling: Literal[0, 1, 3] = Field(
        1, description="Fluctuation of its RCS from scan to scan: Swerling 1 (many scatterers, the default), "
                       "3 (one dominant scatterer) or 0 (steady).")
    decoy: DecoyKind | None = Field(
        None, description="A decoy, not a weapon: air_launched (flies like a fighter, a raid of its own or "
                          "released by aircraft), ballistic_release (released by a ballistic missile, flies "
                          "its arc) or towed (behind an aircraft); it does no harm where it arrives "
                          "(docs/models.md, Decoys). Without it, a weapon.")
    discrimination_search: Annotated[float, Field(ge=0.0, le=1.0)] | None = Field(
        None, description="Decoy: probability that one look of a search radar that detects it shows it a decoy.")
    discrimination_fire_control: Annotated[float, Field(ge=0.0, le=1.0)] | None = Field(
        None, description="Decoy: the same for a fire-control radar.")
    discrimination_low_altitude: Annotated[float, Field(ge=0.0, le=1.0)] | None = Field(
        None, description="Decoy: the same for a low-altitude radar.")
    distinguishable_after: PositiveDuration | None = Field(
        None, description="Decoy: time after its launch from which every radar that detects it sees it a decoy "
                          "(s): a released decoy slowed by the air, an air-launched one at the end of its "
                          "endurance; without it, never by time alone.")
    distinguishable_range: PositiveLength | None = Field(
        None, description="Decoy: slant range within which a radar that detects it sees it a decoy (m); "
                          "without it, never by range alone.")
    loadout: list[Carried] | None = Field(
        None, description="Aircraft: the weapons one of these carries, each type with the most it carries "
                          "(alternatives, not a sum); a raid's releases draw on it (raids[].releases).")
    decoy_capacity: Annotated[int, Field(ge=1, le=100)] | None = Field(
        None, description="Decoys one of these carries and releases or tows (raids[].decoys); without it, none.")
    gnss_navigation: bool = Field(
        False, description="Navigates by satellite (GNSS): inside a GNSS jammer's footprint its position error "
                           "grows at gnss_drift_rate, and it may miss its aim (docs/models.md, Navigation jamming).")
    gnss_drift_rate: PositiveSpeed | None = Field(
        None, description="Growth of its position error while its satellite navigation is jammed, its inertial "
                          "drift (m/s); needed with gnss_navigation.")
    aim_tolerance: PositiveLength | None = Field(
        None, description="Distance from its aim point within which its strike still hits what it was sent to "
                          "hit (m); farther off it is lost; needed with gnss_navigation.")
    anti_radiation: bool = Field(
        False, description="An anti-radiation missile: homes on the radar it is aimed at while that radar "
                           "radiates, and flies to its last known position once it falls silent "
                           "(docs/models.md, Anti-radiation missiles); needs silent_drift_rate and damage.")
    silent_drift_rate: PositiveSpeed | None = Field(
        None, description="Anti-radiation missile: growth of the error of the radar's position it flies to, "
                          "from the moment the radar falls silent (m/s).")
    evasion_probability: Probability | None = Field(
        None, description="Aircraft: probability that one warned of a SAM round fired at it (its radar warning "
                          "receiver) turns away from it (docs/models.md, Evasion); with evasion_reaction_time and "
                          "evasion_pk_factor. Without it, it never reacts.")
    evasion_reaction_time: NonNegativeDuration | None = Field(
        None, description="Aircraft: time from the round's launch to its turn (s); a round that arrives sooner "
                          "meets it unturned.")
    evasion_pk_factor: Annotated[float, Field(ge=0.0, le=1.0)] | None = Field(
        None, description="Aircraft: factor on the round's kill probability once it has turned away (the "
                          "round's energy and geometry spent on the turn).")
    lift_to_drag: Annotated[float, Field(gt=1.0, le=50.0)] | None = Field(
        None, description="An unpowered glide weapon (JSOW- or SDB-class): the lift-to-drag ratio of its glide; "
                          "released at height h above its target at speed v it reaches L/D (h + v²/2g) and "
                          "glides down from the release altitude onto its aim at `speed`, its mean glide speed "
                          "(docs/models.md, Stand-off glide weapons). Without it, a powered flight at "
                          "cruise_altitude.")

    @model_validator(mode="after")
    def _decoy_figures_together(self) -> ThreatType:
        own = [name for name in (*(f"discrimination_{role}" for role in RADAR_ROLES), "distinguishable_after",
                                 "distinguishable_range") if getattr(self, name) is not None]
        if self.decoy is None and own:
            raise ValueError(f"{', '.join(own)} describe a decoy: give 'decoy' (one of "
                             f"{', '.join(DECOY_CARRIERS)}) or leave them out")
        if self.decoy is not None:
            missing = [f"discrimination_{role}" for role in RADAR_ROLES
                       if getattr(self, f"discrimination_{role}") is None]
            if missing:
                raise ValueError(f"a decoy needs {', '.join(missing)} (per-look discrimination by radar role)")
            if self.decoy_capacity is not None:
                raise ValueError("a decoy carries no decoys of its own: leave out decoy_capacity")
        if self.gnss_navigation and (self.gnss_drift_rate is None or self.aim_tolerance is None):
            raise ValueError("a threat with gnss_navigation needs gnss_drift_rate and aim_tolerance too")
        if self.loadout is not None and self.threat_class != "aircraft":
            raise ValueError(f"only an aircraft carries a loadout (this is a {self.threat_class.replace('_', ' ')})")
        if self.loadout is not None and len({row.weapon for row in self.loadout}) < len(self.loadout):
            raise ValueError("a weapon is listed twice under loadout: give one row per weapon type")
        if self.anti_radiation != (self.silent_drift_rate is not None):
            raise ValueError("an anti-radiation missile needs 'anti_radiation: true' and its 'silent_drift_rate' "
                             "together")
        return self

    def discrimination(self, role: str) -> float:
        """Probability that one look of a radar of ``role`` that detects this decoy shows it a decoy (0 for a
        weapon)."""
        value = getattr(self, f"discrimination_{role}")
        return 0.0 if value is None else float(value)
    warhead: Literal["unitary", "cluster"] | None = Field(
        None, description="Unitary (one blast-fragmentation charge) or cluster (submunitions over a pattern).")
    cep: NonNegativeLength | None = Field(
        None, description="Circular error probable of its impact point about the aim point (m): half its "
                          "strikes land within it, circular-normal scatter.")
    damage: list[WarheadDamage] | None = Field(
        None, description="How its warhead kills each hardness of target (one row per hardness); without it "
                          "its strikes harm no fire unit.")

    @model_validator(mode="after")
    def _damage_needs_scatter(self) -> ThreatType:
        if self.damage is not None:
            hardness = [row.hardness for row in self.damage]
            twice = sorted({h for h in hardness if hardness.count(h) > 1})
            if twice:
                raise ValueError(f"hardness {', '.join(twice)} is listed twice under damage: give one row each")
            missing = sorted(set(HARDNESS) - set(hardness))
            if missing:
                raise ValueError(f"damage gives no row for hardness {', '.join(missing)}: give one row for each of "
                                 f"{', '.join(HARDNESS)}")
            if self.cep is None or self.warhead is None:
                raise ValueError("a threat type with damage needs its 'cep' and 'warhead' (unitary or cluster) too")
        if self.anti_radiation and self.damage is None:
            raise ValueError("an anti-radiation missile needs its warhead: 'warhead', 'cep' and 'damage'")
        evasion = [name for name in ("evasion_probability", "evasion_reaction_time", "evasion_pk_factor")
                   if getattr(self, name) is not None]
        if evasion and (len(evasion) < 3 or self.threat_class != "aircraft"):
            raise ValueError("an aircraft's evasion needs evasion_probability, evasion_reaction_time and "
                             "evasion_pk_factor together" + ("" if self.threat_class == "aircraft" else
                                                             f", and only an aircraft evades (not a "
                                                             f"{self.threat_class.replace('_', ' ')})"))
        if self.lift_to_drag is not None and self.threat_class != "cruise_missile":
            raise ValueError(f"a glide weapon (lift_to_drag) is a threat_class cruise_missile, not "
                             f"{self.threat_class}")
        return self


class JammerBand(BaseModel):
    """What a jammer radiates in one radar band: noise of ``erp`` spread over ``bandwidth``.

    A wide bandwidth is barrage jamming (one emission covers many radars and
    frequency hops), a narrow one spot jamming set on a radar's frequency;
    the model treats both alike: the share of the power a radar's receiver
    takes in is its bandwidth over the wider of the jammer's and its own
    agile bandwidth (docs/models.md, Jamming).
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    band: Band = Field(description="IEEE radar band.")
    erp: Annotated[Power, Field(gt=0.0)] = Field(
        description="Effective radiated power toward one victim in this band, transmitter power times antenna "
                    "gain (W; write it in W, kW or dBW).")
    bandwidth: Annotated[Frequency, Field(gt=0.0)] = Field(
        description="Bandwidth the power is spread over (Hz): wide for barrage, narrow for spot jamming.")


class JammerType(Entry):
    """A noise jammer: carried by a threat (self-protection, escort) or an entity of its own (stand-off, ground)."""

    kind: Literal["jammer"]
    role: JammerRole
    bands: list[JammerBand] = Field(default_factory=list, description="Each radar band it jams, with its power "
                                    "and bandwidth; none for a jammer of satellite navigation only.")
    coverage: Annotated[Angle, Field(gt=0.0, le=6.2832)] = Field(
        description="Width of the cone its antennas radiate into, centred on its heading (its direction of "
                    "flight when carried) (rad); 360 deg: all round.")
    fore_and_aft: bool = Field(
        False, description="Radiates the same cone backwards too (pods with fore and aft antennas).")
    gnss_radius: PositiveLength | None = Field(
        None, description="Ground range within which it denies satellite navigation (GNSS) to threats that use "
                          "it (m); a ground jammer only; without it, it jams radars only.")
    comms_radius: PositiveLength | None = Field(
        None, description="Distance within which it jams the data links of network members (m); a ground jammer "
                          "only; with comms_latency, comms_loss or both.")
    comms_latency: NonNegativeDuration | None = Field(
        None, description="Delay it adds to a network's link for a member inside comms_radius, the "
                          "retransmissions of a jammed link (s); with comms_radius.")
    comms_loss: Annotated[float, Field(gt=0.0, lt=1.0)] | None = Field(
        None, description="Probability that a message of a jammed link (one radar look's reports to one air "
                          "picture) never arrives, at each jammed end (0-1); with comms_radius.")

    @model_validator(mode="after")
    def _one_row_per_band(self) -> JammerType:
        if not self.bands and self.gnss_radius is None and self.comms_radius is None:
            raise ValueError("a jammer needs bands (radar jamming), a gnss_radius (satellite navigation) or a "
                             "comms_radius (data links)")
        if (self.gnss_radius is not None or self.comms_radius is not None) and self.role != "ground":
            raise ValueError("a gnss_radius or comms_radius needs a ground jammer (role: ground)")
        jams_links = self.comms_latency is not None or self.comms_loss is not None
        if (self.comms_radius is None) == jams_links:
            raise ValueError("a comms_radius needs comms_latency, comms_loss or both, and they need a comms_radius")
        bands = [row.band for row in self.bands]
        twice = sorted({band for band in bands if bands.count(band) > 1})
        if twice:
            raise ValueError(f"band {', '.join(twice)} is listed twice: give one row per band")
        return self


class IffType(Entry):
    """An identification friend or foe (IFF) mode: how often a friendly transponder's answer to one challenge
    is received and decoded, and how long a challenge takes (docs/models.md, Identification)."""

    kind: Literal["iff"]
    reliability: Probability = Field(description="Probability that one challenge of a friendly aircraft is "
                                                 "answered correctly (its transponder on, the reply decoded).")
    time_to_answer: PositiveDuration = Field(description="Time from a challenge to its answer, or to the "
                                                         "interrogator's giving up on one (s).")
    secure: bool = Field(False, description="Cryptographically protected (mode 5, mode 4): an enemy cannot "
                                            "answer it; an open mode (3/A) is answered by anyone who sets the code.")


CatalogEntry = Annotated[
    RadarType | InterceptorType | FireUnitType | ThreatType | JammerType | IffType, Field(discriminator="kind")
]
KINDS: tuple[str, ...] = ("radar", "interceptor", "fire_unit", "threat", "jammer", "iff")
BANDS: tuple[str, ...] = typing.get_args(Band)
