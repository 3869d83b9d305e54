"""Noise jamming in the radar equation: the jammer-to-noise ratio of every radar–target–jammer geometry.

A noise jammer raises the noise a radar's detector sees. At radar ``s`` the
power received from jammer ``k`` over a range R_j is (Adamy 2001, ch. 9;
Schleher 1999, ch. 4; Skolnik 2001, §10.7)

    J = ERP_k · G_r(θ) · λ² / ((4π)² R_j²) · B_r / max(B_j, B_r, B_a)

with ERP_k the jammer's effective radiated power in the radar's band, G_r(θ)
the radar antenna's gain toward the jammer, λ the radar's wavelength, B_r its
receiver bandwidth, B_j the jammer's noise bandwidth and B_a the band a
frequency-agile radar hops over (a jammer that cannot follow the hops must
spread its power over the whole agile band; B_a = B_r for a fixed-frequency
radar). The radar's own noise is N = k T₀ F B_r (T₀ = 290 K, F the noise
figure), so J/N = ERP' · C_s · g / R_j², where C_s = G λ² / ((4π)² k T₀ F B_r)
is fixed per radar and g is the antenna's relative gain toward the jammer:

- **main lobe**, g = 1, when the jammer lies within half a beamwidth of the
  direction the beam points (at the target being looked at): a jammer carried
  by that target (self-screening) always does, a stand-off jammer or an escort
  does when it is nearly in line;
- **side lobes**, g = sidelobe_level / sidelobe_cancellation otherwise: the
  mean side-lobe level relative to the main lobe, lowered by the radar's
  side-lobe canceller or blanker.

For a 2-D radar (a fan beam with no elevation limit) only the azimuths are
compared. A jammer radiates toward a radar when the radar lies within its
coverage cone around its heading (its direction of flight when carried; fore
and aft for pods with two antenna groups) and the jammer is above the radar's
4/3-Earth horizon. Jamming adds to the noise: the signal-to-interference ratio
of a target with signal-to-noise ratio SNR is SINR = SNR / (1 + Σ_k J_k/N),
and detection then follows the Swerling model at the SINR
(:mod:`iadsim.sensors.radar`). Since SNR ∝ R_t⁻⁴ and a self-screening jammer's
J/N ∝ R_t⁻², the jammed target's SINR falls off as R_t⁻² while J ≫ N, and the
burn-through range (where SINR reaches the SNR a detection needs) follows.

Stand-off and ground jammers are entities of the scenario (``jammers:``): a
position, and for an aircraft a route flown at constant speed after which it
holds; self-protection and escort jammers ride on the threats of a raid
(``raids[i].jammer``). Positions are worked out once per look tick in one
compiled pass (:func:`jammer_states_of`); nothing here is done per entity in
Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from iadsim import geo
from iadsim.catalog.schema import BAND_CENTRE_HZ, JammerType, RadarType
from iadsim.geo import EFFECTIVE_EARTH_FACTOR, ecef_of_n_vector, radar_horizon_of
from iadsim.jit import kernel
from iadsim.scenario.compile import CompiledScenario
from iadsim.sensors.scan import wrap_angle_of
from iadsim.scenario.schema import Jammer
from iadsim.world import FLYING, Threats

F64 = NDArray[np.float64]
I32 = NDArray[np.int32]
I64 = NDArray[np.int64]

BOLTZMANN_J_PER_K = 1.380649e-23
"""Boltzmann's constant (SI 2019, exact)."""
STANDARD_TEMPERATURE_K = 290.0
"""Standard noise temperature T₀ of a noise figure (IEEE Std 100)."""
SPEED_OF_LIGHT_MPS = 299_792_458.0

# Columns of a radar's row of :func:`radar_jamming_row`.
RECEPTION, SIDE_LOBE, COS_HALF_BEAM, HALF_BEAM, FAN_BEAM = range(5)
JAMMING_COLUMNS = 5
# Columns of a jammer type's row of Jamming.cover.
COS_HALF_COVERAGE, FORE_AND_AFT = range(2)


def wavelength_m(radar: RadarType) -> float:
    """The radar's wavelength (m): from its frequency, else from the centre of its band."""
    return SPEED_OF_LIGHT_MPS / (radar.frequency or BAND_CENTRE_HZ[radar.band])


def reception_m2_per_w(radar: RadarType) -> float:
    """C = G λ² / ((4π)² k T₀ F B_r): J/N per watt of jammer ERP in the receiver's band at 1 m, in the main
    lobe (m²/W)."""
    return (radar.antenna_gain * wavelength_m(radar) ** 2
            / ((4.0 * np.pi) ** 2 * BOLTZMANN_J_PER_K * STANDARD_TEMPERATURE_K * radar.noise_figure
               * radar.bandwidth))


def side_lobe_gain(radar: RadarType) -> float:
    """Gain toward a jammer in the side lobes relative to the main lobe, after side-lobe cancellation."""
    return radar.sidelobe_level / (radar.sidelobe_cancellation or 1.0)


def radar_jamming_row(radar: RadarType) -> F64:
    """What the jamming model needs of one radar: (C_s m²/W, side-lobe gain, cos and value of half the
    beamwidth, 1 for a 2-D fan beam); zeros for a radar without a band (never jammed: a scenario with
    jammers refuses it at load)."""
    if radar.band is None:
        return np.zeros(JAMMING_COLUMNS)
    half = radar.beamwidth / 2.0
    return np.array([reception_m2_per_w(radar), side_lobe_gain(radar), np.cos(half), half,
                     1.0 if radar.max_elevation is None else 0.0])


def jammer_power_w(jammer: JammerType, radar: RadarType) -> float:
    """ERP of ``jammer`` in ``radar``'s band times the share its receiver takes in,
    B_r / max(B_j, B_r, B_a) (W); 0 when the jammer does not cover the band."""
    for row in jammer.bands:
        if row.band == radar.band:
            return row.erp * radar.bandwidth / max(row.bandwidth, radar.bandwidth, radar.agile_bandwidth or 0.0)
    return 0.0


def jamming_to_noise(jammer: JammerType, radar: RadarType, range_m: float, main_lobe: bool) -> float:
    """J/N at ``radar`` of ``jammer`` ``range_m`` away, in the main lobe or the side lobes (the model's
    equation for one geometry; the run-time kernels compute the same from the tables of :class:`Jamming`)."""
    gain = 1.0 if main_lobe else side_lobe_gain(radar)
    return jammer_power_w(jammer, radar) * reception_m2_per_w(radar) * gain / max(range_m, 1.0) ** 2


@dataclass
class Jamming:
    """The jammers of one compiled scenario as arrays, built once with the sense stage.

    Jammer types index ``types``; stand-off (and ground) jammers are rows of the
    route arrays (J, P), their points padded with the last; ``threat_jammer`` is
    each threat's carried jammer type (-1: none).
    """

    types: list[JammerType]
    figures: F64
    """(S, JAMMING_COLUMNS) each radar's :func:`radar_jamming_row`."""
    power_w: F64
    """(S, K) :func:`jammer_power_w` of each jammer type at each radar."""
    cover: F64
    """(K, 2) cos of half each type's coverage (-2 when all round: every direction passes) and 1 when it
    radiates fore and aft."""
    route_lat_rad: F64
    route_lon_rad: F64
    route_alt_m: F64
    route_ecef_m: F64
    """(J, P, 3) the route's points."""
    route_t_s: F64
    """(J, P) when the jammer reaches each point (s)."""
    route_points: I64
    hold_axis: F64
    """(J, 3) unit ECEF direction its antennas face once it holds (or stands)."""
    standoff_type: I64
    threat_jammer: I64
    active: bool = False
    """Whether any jammer is in play (else the radar model's arithmetic is the jammer-free one)."""
    standoff_names: list[str] = field(default_factory=list)
    """The scenario's name of each stand-off (or ground) jammer, in row order."""

    @classmethod
    def of(cls, compiled: CompiledScenario) -> Jamming:
        scenario, catalog = compiled.scenario, compiled.catalog
        standing = [jammer for jammer in scenario.jammers if catalog.jammer(jammer.type).bands]  # radar jammers
        names = sorted({raid.jammer for raid in scenario.raids if raid.jammer is not None}
                       | {jammer.type for jammer in standing})
        types = [catalog.jammer(name) for name in names]
        radars = compiled.tables.radar_type
        figures = np.array([radar_jamming_row(r) for r in radars], dtype=float).reshape(-1, JAMMING_COLUMNS)
        power = np.array([[jammer_power_w(j, r) if r.band is not None else 0.0 for j in types] for r in radars],
                         dtype=float).reshape(len(radars), len(types))
        cover = np.array([[-2.0 if j.coverage >= 2.0 * np.pi - 1e-3 else np.cos(j.coverage / 2.0),
                           float(j.fore_and_aft)] for j in types], dtype=float).reshape(-1, 2)
        carried = np.array([names.index(r.jammer) if r.jammer is not None else -1 for r in scenario.flights],
                           dtype=np.int64)
        # A decoy carries no jammer of its raid.
        threat_jammer = (np.where(compiled.tables.threat_decoy, -1, carried[compiled.world.threats.raid_index])
                         if len(carried) else np.zeros(0, np.int64))
        return cls(types, figures, power, cover, *_routes(standing),
                   standoff_type=np.array([names.index(j.type) for j in standing], dtype=np.int64),
                   threat_jammer=np.ascontiguousarray(threat_jammer, dtype=np.int64), active=bool(types),
                   standoff_names=[jammer.name for jammer in standing])

    def states(self, threats: Threats, t_s: float) -> tuple[F64, F64, F64, I64, I64]:
        """Every jammer radiating at ``t_s``: ECEF positions (M, 3), altitudes (M,), unit heading axes (M, 3),
        types (M,) and sources (M,: j for the scenario's stand-off jammer j, J + n for the one threat row n
        carries, J stand-off jammers); stand-off jammers first, then the flying threats that carry one."""
        return jammer_states_of(t_s, self.route_lat_rad, self.route_lon_rad, self.route_alt_m, self.route_ecef_m,
                                self.route_t_s, self.route_points, self.hold_axis, self.standoff_type,
                                threats.status, threats.pos_ecef_m, threats.alt_m, threats.vel_ecef_mps,
                                self.threat_jammer)


def _routes(jammers: list[Jammer]) -> tuple[F64, F64, F64, F64, F64, I64, F64]:
    """Route arrays of the scenario's jammers (see :class:`Jamming`): each starts at its position at 0 s and
    flies its route at its speed, then holds facing its heading (by default, along its last leg)."""
    width = max([1 + len(j.route) for j in jammers], default=1)
    count = len(jammers)
    lat, lon, alt = np.zeros((count, width)), np.zeros((count, width)), np.zeros((count, width))
    points, times, axis = np.zeros(count, np.int64), np.zeros((count, width)), np.zeros((count, 3))
    for row, jammer in enumerate(jammers):
        path = [jammer.position, *jammer.route]
        points[row] = len(path)
        padded = path + [path[-1]] * (width - len(path))
        lat[row] = np.deg2rad([p.lat for p in padded])
        lon[row] = np.deg2rad([p.lon for p in padded])
        alt[row] = [p.alt for p in padded]
    ecef = geo.geodetic_to_ecef(lat, lon, alt).reshape(count, width, 3)
    for row, jammer in enumerate(jammers):
        legs = np.linalg.norm(np.diff(ecef[row], axis=0), axis=1)
        times[row, 1:] = np.cumsum(legs) / (jammer.speed or 1.0)
        last = int(points[row]) - 1
        rotation = geo.enu_rotation(lat[row, last], lon[row, last]).reshape(3, 3)
        if jammer.heading is not None or last == 0:
            heading = jammer.heading or 0.0
            axis[row] = rotation.T @ np.array([np.sin(heading), np.cos(heading), 0.0])
        else:
            leg = ecef[row, last] - ecef[row, last - 1]
            axis[row] = leg / max(np.linalg.norm(leg), 1e-9)
    return lat, lon, alt, np.ascontiguousarray(ecef), times, points, axis


@kernel
def jammer_states_of(t_s: float, route_lat_rad: F64, route_lon_rad: F64, route_alt_m: F64, route_ecef_m: F64,
                     route_t_s: F64, route_points: I64, hold_axis: F64, standoff_type: I64,
                     status: NDArray[np.int8], threat_ecef_m: F64, threat_alt_m: F64, threat_vel_mps: F64,
                     threat_jammer: I64) -> tuple[F64, F64, F64, I64, I64]:
    """See :meth:`Jamming.states`. A stand-off jammer between two route points is interpolated linearly in
    latitude, longitude (the short way round) and altitude and faces along its leg; a carried jammer faces
    its threat's velocity."""
    carriers = 0
    for n in range(len(status)):
        carriers += status[n] == FLYING and threat_jammer[n] >= 0
    count = len(standoff_type) + carriers
    pos, alt, axis, kind = np.empty((count, 3)), np.empty(count), np.empty((count, 3)), np.empty(count, np.int64)
    source = np.empty(count, np.int64)
    for j in range(len(standoff_type)):
        kind[j], source[j] = standoff_type[j], j
        last = route_points[j] - 1
        leg = 0
        while leg < last and route_t_s[j, leg + 1] <= t_s:
            leg += 1
        if leg == last:
            for i in range(3):
                pos[j, i], axis[j, i] = route_ecef_m[j, last, i], hold_axis[j, i]
            alt[j] = route_alt_m[j, last]
            continue
        f = (t_s - route_t_s[j, leg]) / max(route_t_s[j, leg + 1] - route_t_s[j, leg], 1e-9)
        lat = route_lat_rad[j, leg] + f * (route_lat_rad[j, leg + 1] - route_lat_rad[j, leg])
        lon = route_lon_rad[j, leg] + f * wrap_angle_of(route_lon_rad[j, leg + 1] - route_lon_rad[j, leg])
        alt[j] = route_alt_m[j, leg] + f * (route_alt_m[j, leg + 1] - route_alt_m[j, leg])
        pos[j, 0], pos[j, 1], pos[j, 2] = ecef_of_n_vector(np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon),
                                                           np.sin(lat), alt[j])
        norm = 0.0
        for i in range(3):
            axis[j, i] = route_ecef_m[j, leg + 1, i] - route_ecef_m[j, leg, i]
            norm += axis[j, i] ** 2
        for i in range(3):
            axis[j, i] /= max(np.sqrt(norm), 1e-9)
    k = len(standoff_type)
    for n in range(len(status)):
        if status[n] == FLYING and threat_jammer[n] >= 0:
            kind[k], alt[k], source[k] = threat_jammer[n], threat_alt_m[n], len(standoff_type) + n
            speed = np.sqrt(threat_vel_mps[n, 0] ** 2 + threat_vel_mps[n, 1] ** 2 + threat_vel_mps[n, 2] ** 2)
            for i in range(3):
                pos[k, i] = threat_ecef_m[n, i]
                axis[k, i] = threat_vel_mps[n, i] / speed if speed > 0.0 else 0.0
            k += 1
    return pos, alt, axis, kind, source


@kernel
def radar_jamming_of(rotation: F64, radar_ecef_m: F64, antenna_alt_m: float, power_w: F64, figures: F64,
                     cover: F64, pos: F64, alt: F64, axis: F64, kind: I64, main_jn: F64, direction: F64) -> None:
    """For one radar (its ENU ``rotation``, position, antenna altitude, its row of ``Jamming.power_w`` and
    its row of figures): each jammer's main-lobe J/N into ``main_jn`` (M,) (0 when the radar is outside the
    jammer's coverage or below its horizon) and the unit ENU direction to it into ``direction`` (M, 3)."""
    for k in range(len(kind)):
        main_jn[k] = 0.0
        power = power_w[kind[k]]
        if power <= 0.0:
            continue
        d0, d1, d2 = pos[k, 0] - radar_ecef_m[0], pos[k, 1] - radar_ecef_m[1], pos[k, 2] - radar_ecef_m[2]
        distance = max(np.sqrt(d0 * d0 + d1 * d1 + d2 * d2), 1.0)
        toward_radar = -(axis[k, 0] * d0 + axis[k, 1] * d1 + axis[k, 2] * d2) / distance
        half = cover[kind[k], COS_HALF_COVERAGE]
        zero_axis = axis[k, 0] == 0.0 and axis[k, 1] == 0.0 and axis[k, 2] == 0.0
        if not (zero_axis or toward_radar >= half
                or (cover[kind[k], FORE_AND_AFT] > 0.0 and -toward_radar >= half)):
            continue
        for i in range(3):
            direction[k, i] = (rotation[i, 0] * d0 + rotation[i, 1] * d1 + rotation[i, 2] * d2) / distance
        ground = np.hypot(direction[k, 0], direction[k, 1]) * distance
        if ground > radar_horizon_of(antenna_alt_m, alt[k], EFFECTIVE_EARTH_FACTOR):
            continue
        main_jn[k] = power * figures[RECEPTION] / (distance * distance)


@kernel
def interference_of(target_enu: F64, figures: F64, main_jn: F64, direction: F64) -> float:
    """Σ_k J_k/N at a radar looking at a target at ENU offset ``target_enu`` (3,): each jammer's main-lobe
    J/N (:func:`radar_jamming_of`) in full when within half a beamwidth of the beam, times the side-lobe gain
    otherwise (azimuths alone for a fan beam)."""
    total = 0.0
    norm = max(np.sqrt(target_enu[0] ** 2 + target_enu[1] ** 2 + target_enu[2] ** 2), 1e-9)
    fan = figures[FAN_BEAM] > 0.0
    azimuth = np.arctan2(target_enu[0], target_enu[1]) if fan else 0.0
    for k in range(len(main_jn)):
        if main_jn[k] <= 0.0:
            continue
        if fan:
            inside = abs(wrap_angle_of(np.arctan2(direction[k, 0], direction[k, 1]) - azimuth)) <= figures[HALF_BEAM]
        else:
            inside = (target_enu[0] * direction[k, 0] + target_enu[1] * direction[k, 1]
                      + target_enu[2] * direction[k, 2]) / norm >= figures[COS_HALF_BEAM]
        total += main_jn[k] * (1.0 if inside else figures[SIDE_LOBE])
    return total
