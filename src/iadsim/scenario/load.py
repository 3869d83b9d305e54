"""Load a scenario from YAML or a dict: parse, validate the schema, check names against the catalog.

Every problem found is reported at once, each with its file, line, field path,
what was expected and, for a misspelt name, the nearest known one. Nothing is
simulated or written until a scenario passes.

A scenario's own catalog files (``catalogs:``, relative to the scenario file) extend
the catalog it is checked against; the scenario keeps the files it was checked
against (:func:`scenario_catalog` builds that catalog again anywhere).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from iadsim import registry
from iadsim.catalog import Catalog, CatalogFile, load_catalog, read_catalog_file
from iadsim.catalog.schema import DECOY_CARRIERS, JammerType
from iadsim.errors import Problem, UserError, did_you_mean, format_path, parse_path
from iadsim.scenario.budget import check_budget
from iadsim.scenario.aim import aim_problems
from iadsim.scenario.emission import emission_problems
from iadsim.scenario.kill_chain_checks import check_kill_chain
from iadsim.scenario.layout import layout_problems
from iadsim.scenario.point_defence import point_defence_problems
from iadsim.scenario.releases import release_problems
from iadsim.scenario.schema import Doctrine, Scenario
from iadsim.terrain import check_terrain_file
from iadsim.validation import validate_model
from iadsim.yamlio import Document, read_yaml_file


def load_scenario(
    source: str | Path | Mapping[str, Any], catalog: Catalog | None = None, allow_large: bool = False
) -> Scenario:
    """Read, validate and check a scenario file (or an already-parsed mapping).

    Besides the schema and the names, the cost of a run is checked
    (:mod:`iadsim.scenario.budget`): ``allow_large`` lifts its soft limits. The scenario's
    ``catalogs:`` extend ``catalog`` (by default the bundled one); a mapping's are read
    relative to the working folder.
    Raises :class:`iadsim.errors.UserError` listing every problem found.
    """
    if isinstance(source, Mapping):
        document = Document(data=dict(source), file=None)
    else:
        document = read_yaml_file(source)
    return scenario_from_document(document, catalog or load_catalog(), allow_large)


def scenario_from_document(document: Document, catalog: Catalog, allow_large: bool = False) -> Scenario:
    if document.data is None:
        raise UserError(
            [Problem("the file is empty", expected="a scenario: name, duration, raids, ...",
                     suggestion="start from examples/demo.yaml")],
            document.file,
        )
    if not isinstance(document.data, dict):
        raise UserError(
            [Problem(f"the document is a {type(document.data).__name__}, not a mapping", line=document.line_of(()),
                     expected="a mapping of fields such as 'name:', 'duration:', 'raids:'",
                     suggestion="start from examples/demo.yaml")],
            document.file,
        )
    scenario = validate_model(Scenario, document.data, document)
    own = own_catalog_files(scenario.catalogs, document)
    if own:
        catalog = load_catalog((*catalog.extra_files, *own))
    problems = (check_references(scenario, catalog) + check_times(scenario) + layout_problems(scenario, catalog)
                + emission_problems(scenario, catalog) + aim_problems(scenario, catalog)
                + release_problems(scenario, catalog) + point_defence_problems(scenario, catalog))
    if not problems:  # the budget counts what the names refer to, and so comes after them
        problems = check_budget(scenario, allow_large) + check_terrain(scenario)
    if problems:
        for index, problem in enumerate(problems):
            location = parse_path(problem.path)
            problems[index] = Problem(problem.message, problem.path, document.line_of(location),
                                      problem.expected, problem.suggestion)
        raise UserError(problems, document.file)
    scenario._catalog_files = catalog.extra_files
    return scenario


def own_catalog_files(names: list[str], document: Document) -> list[CatalogFile]:
    """The catalog files a scenario (or study) file names under ``catalogs:``, read relative to it; a
    missing one is refused at its line."""
    folder = Path(document.file).parent if document.file else Path()
    files, problems = [], []
    for index, name in enumerate(names):
        path = folder / name
        try:
            found = "a file" if path.is_file() else "not a file" if path.exists() else "missing"
        except (OSError, ValueError) as error:  # a name too long, a NUL byte
            found = f"unreadable ({error})"
        if found != "a file":
            where = ("catalogs", index)
            what = {"not a file": "is not a file", "missing": "does not exist"}.get(found, f"is {found}")
            problems.append(Problem(
                f"catalog file '{name}' {what}", format_path(where),
                document.line_of(where), expected="a catalog YAML file (sources:, entries:), relative to this file",
                suggestion=f"the path is read from {folder.absolute()}"))
            continue
        files.append(read_catalog_file(path))
    if problems:
        raise UserError(problems, document.file)
    return files


def scenario_catalog(scenario: Scenario) -> Catalog:
    """The catalog ``scenario`` was checked against: the bundled one and the user's files it carries."""
    return load_catalog(scenario.catalog_files)


def check_references(scenario: Scenario, catalog: Catalog) -> list[Problem]:
    """Problems with names: catalog types, targets, networks, inventories, models, duplicates."""
    problems: list[Problem] = []

    def check_type(path: str, name: str, kind: str) -> bool:
        if catalog.find(name, kind) is not None:
            return True
        other = catalog.find(name)
        message = (f"'{name}' is a {other.kind}, not a {kind}" if other is not None
                   else f"unknown {kind} type '{name}'")
        suggestion = catalog.suggestion(name, kind)
        if other is None and not suggestion.startswith("did you mean"):
            suggestion += ("; a type of your own is found once its file is named under 'catalogs:' "
                           "(or given with --catalog FILE)")
        problems.append(Problem(message, path, expected=f"a catalog {kind} type", suggestion=suggestion))
        return False

    for groups in (("assets", "units", "sensors", "raids", "jammers"), ("networks",)):
        seen: dict[str, str] = {}
        for group in groups:
            for index, item in enumerate(getattr(scenario, group)):
                if item.name is None:
                    continue
                path = f"{group}[{index}].name"
                first = seen.setdefault(item.name.casefold(), path)
                if first != path:
                    problems.append(Problem(
                        f"the name '{item.name}' is already used by {first.removesuffix('.name')}",
                        path, expected=f"a name of its own (names of {', '.join(groups)} are compared without case)"))

    for group in ("units", "sensors"):
        for index, item in enumerate(getattr(scenario, group)):
            for n, network in enumerate(item.networks):
                if network in item.networks[:n]:
                    problems.append(Problem(f"network '{network}' is listed twice", f"{group}[{index}].networks[{n}]",
                                            expected="each network once"))

    network_names = [network.name for network in scenario.networks]
    link_of = {network.name: network.link for network in scenario.networks}
    for group, kind in (("units", "fire_unit"), ("sensors", "radar")):
        for index, item in enumerate(getattr(scenario, group)):
            entry = catalog.find(item.type, kind)
            speaks = getattr(entry, "links", None)
            for n, network in enumerate(item.networks):
                if network not in network_names:
                    problems.append(Problem(
                        f"unknown network '{network}'", f"{group}[{index}].networks[{n}]",
                        expected=f"a network listed under 'networks:' ({', '.join(network_names) or 'none'})",
                        suggestion=did_you_mean(network, network_names)))
                elif speaks is not None and link_of[network] not in speaks:
                    problems.append(Problem(
                        f"a {item.type} does not speak '{link_of[network]}', the link of network '{network}'",
                        f"{group}[{index}].networks[{n}]",
                        expected=f"a network whose link it speaks ({', '.join(speaks)})",
                        suggestion="leave it off this network: it then fights with its own radars"))

    for index, unit in enumerate(scenario.units):
        if not check_type(f"units[{index}].type", unit.type, "fire_unit"):
            continue
        fireable = catalog.fire_unit(unit.type).interceptors
        for missile in unit.inventory:
            if missile not in fireable:
                problems.append(Problem(
                    f"a {unit.type} cannot fire '{missile}'", f"units[{index}].inventory.{missile}",
                    expected=f"one of {', '.join(fireable)}", suggestion=did_you_mean(missile, fireable)))
        carried = sorted(name for name, n in unit.inventory.items() if n > 0)
        for k, delivery in enumerate(unit.resupply):
            for missile in delivery.rounds:
                if missile not in carried:
                    problems.append(Problem(
                        f"resupply of '{missile}', which the unit carries no rounds of",
                        f"units[{index}].resupply[{k}].rounds.{missile}",
                        expected=f"a type with rounds in the unit's inventory ({', '.join(carried) or 'none'})",
                        suggestion=did_you_mean(missile, carried)))

    for index, sensor in enumerate(scenario.sensors):
        check_type(f"sensors[{index}].type", sensor.type, "radar")

    targets = [asset.name for asset in scenario.assets] + [unit.name for unit in scenario.units]
    for index, raid in enumerate(scenario.raids):
        check_type(f"raids[{index}].type", raid.type, "threat")
        if raid.target is not None and raid.target not in targets:
            problems.append(Problem(
                f"unknown target '{raid.target}'", f"raids[{index}].target",
                expected=f"the name of an asset or unit ({', '.join(targets) or 'none defined'})",
                suggestion=did_you_mean(raid.target, targets)))

    problems += check_jamming(scenario, catalog, check_type)
    problems += check_decoys(scenario, catalog, check_type)
    problems += check_identification(scenario, catalog, check_type)
    problems += check_command(scenario)
    problems += check_kill_chain(scenario, catalog)

    for role in registry.CHOOSABLE_ROLES:
        name = getattr(scenario.models, role)
        choices = registry.available(role)
        if name not in choices:
            problems.append(Problem(f"unknown {role} model '{name}'", f"models.{role}",
                                    expected=f"one of {', '.join(choices)}", suggestion=did_you_mean(name, choices)))
    if not problems:
        models = {role: getattr(scenario.models, role) for role in registry.CHOOSABLE_ROLES}
        for role, message, expected, suggestion in registry.combination_problems(models):
            problems.append(Problem(message, f"models.{role}", expected=expected, suggestion=suggestion))
    return problems


def check_jamming(scenario: Scenario, catalog: Catalog, check_type: Callable[[str, str, str], bool]
                  ) -> list[Problem]:
    """Jammers: catalog jammer types in the right place (a ground jammer does not fly with a raid, a pod
    needs its aircraft), the radar model, and radars that say what a jammer acts on (their band...)."""
    problems: list[Problem] = []
    carried = [(f"raids[{i}].jammer", raid.jammer) for i, raid in enumerate(scenario.raids) if raid.jammer]
    standing = [(f"jammers[{i}].type", jammer.type) for i, jammer in enumerate(scenario.jammers)]
    for path, name in carried + standing:
        if not check_type(path, name, "jammer"):
            continue
        role = catalog.jammer(name).role
        if path.startswith("raids") and role == "ground":
            problems.append(Problem(f"'{name}' is a ground jammer: it cannot fly with a raid", path,
                                    expected="a self_protection, escort or stand_off jammer type",
                                    suggestion="place it under 'jammers:' with a position"))
        elif path.startswith("jammers") and role == "self_protection":
            problems.append(Problem(f"'{name}' is a self-protection pod: it needs an aircraft to carry it", path,
                                    expected="a stand_off or ground jammer type",
                                    suggestion="give it to a raid instead: raids[i].jammer"))
    for index, jammer in enumerate(scenario.jammers):
        kind = catalog.find(jammer.type, "jammer")
        if isinstance(kind, JammerType) and (kind.gnss_radius or kind.comms_radius) and jammer.route:
            jammed = "satellite navigation" if kind.gnss_radius else "data links"
            problems.append(Problem(f"'{jammer.type}' jams {jammed} from where it stands: it flies no route",
                                    f"jammers[{index}].route", expected=f"a jammer of {jammed} without a route",
                                    suggestion="give it a position only"))
    link_jammers = [index for index, jammer in enumerate(scenario.jammers)
                    if isinstance(kind := catalog.find(jammer.type, "jammer"), JammerType) and kind.comms_radius]
    if link_jammers and scenario.models.track == "truth_noise":
        problems.append(Problem(f"'{scenario.jammers[link_jammers[0]].type}' jams network links, which the track "
                                "model 'truth_noise' does not model (its pictures hear every radar at once)",
                                "models.track", expected="track: ekf or imm",
                                suggestion="set models.track to ekf, or leave the communications jammer out"))
    radar_jammers = [(path, name) for path, name in carried + standing
                     if isinstance(kind := catalog.find(name, "jammer"), JammerType) and kind.bands]
    if not radar_jammers or problems:
        return problems
    first = radar_jammers[0][0]
    if scenario.models.sense != "radar":
        problems.append(Problem(f"jammers need the sense model 'radar' (this scenario runs "
                                f"'{scenario.models.sense}', which has no radar equation to jam)", "models.sense",
                                expected="sense: radar", suggestion="set models.sense to radar"))
    radars = sorted({s.type for s in scenario.sensors if catalog.find(s.type, "radar")}
                    | {r for u in scenario.units if catalog.find(u.type, "fire_unit")
                       for r in catalog.fire_unit(u.type).radars})
    for name in radars:
        if catalog.radar(name).band is None:
            problems.append(Problem(
                f"radar type '{name}' gives no band, bandwidth, antenna gain, beamwidth, side-lobe level or noise "
                f"figure, so a jammer cannot act on it", first,
                expected="radar types with those figures (docs/models.md, Jamming)",
                suggestion="use a radar type of your own that gives them (a catalog file under "
                           "'catalogs:'), or leave the jammers out"))
    return problems


DECOY_KIND_TEXT = {"air_launched": "an air-launched decoy", "ballistic_release": "a decoy a ballistic missile "
                   "releases", "towed": "a towed decoy"}


def check_decoys(scenario: Scenario, catalog: Catalog, check_type: Callable[[str, str, str], bool]
                 ) -> list[Problem]:
    """Decoys: a decoy type, carried by a threat of a class that can carry that kind, no more than it holds."""
    problems: list[Problem] = []
    decoy_types = sorted(t.name for t in catalog.of_kind("threat") if t.decoy is not None)
    for index, raid in enumerate(scenario.raids):
        if raid.decoys is None or catalog.find(raid.type, "threat") is None:
            continue
        path = f"raids[{index}].decoys"
        carrier = catalog.threat(raid.type)
        if not check_type(f"{path}.type", raid.decoys.type, "threat"):
            continue
        decoy = catalog.threat(raid.decoys.type)
        if decoy.decoy is None:
            problems.append(Problem(f"'{decoy.name}' is a {decoy.threat_class.replace('_', ' ')}, not a decoy",
                                    f"{path}.type", expected=f"a decoy type ({', '.join(decoy_types)})",
                                    suggestion=did_you_mean(decoy.name, decoy_types) or
                                    "a raid of its own for a second weapon"))
        elif carrier.decoy is not None:
            problems.append(Problem(f"'{carrier.name}' is a decoy itself: it carries no decoys", path,
                                    expected="decoys on a raid of weapons",
                                    suggestion="leave 'decoys' out of this raid"))
        elif carrier.threat_class not in DECOY_CARRIERS[decoy.decoy]:
            fitting = [name for name in decoy_types
                       if carrier.threat_class in DECOY_CARRIERS[catalog.threat(name).decoy]]
            problems.append(Problem(
                f"a {carrier.threat_class.replace('_', ' ')} ('{carrier.name}') cannot carry '{decoy.name}', "
                f"{DECOY_KIND_TEXT[decoy.decoy]}", f"{path}.type",
                expected=f"a decoy type its class carries ({', '.join(fitting) or 'none'})",
                suggestion=(f"a decoy type a {carrier.threat_class.replace('_', ' ')} carries: {', '.join(fitting)}"
                            if fitting else f"leave 'decoys' out: no decoy type is carried by a "
                                            f"{carrier.threat_class.replace('_', ' ')}")))
        elif (carrier.decoy_capacity or 0) < raid.decoys.count:
            problems.append(Problem(
                f"one {carrier.name} carries {'no' if carrier.decoy_capacity is None else carrier.decoy_capacity} "
                f"decoys ({raid.decoys.count} asked)", f"{path}.count",
                expected=f"a count of at most its decoy_capacity ({carrier.decoy_capacity or 0})",
                suggestion="fewer decoys, a carrier type that carries them, or a raid of decoys of its own"))
    return problems


def check_identification(scenario: Scenario, catalog: Catalog, check_type: Callable[[str, str, str], bool]
                         ) -> list[Problem]:
    """Friendly aircraft of aircraft types that are not decoys, and the doctrine's IFF mode a catalog iff type."""
    problems: list[Problem] = []
    check_type("doctrine.iff", scenario.doctrine.iff, "iff")
    for index, friendly in enumerate(scenario.friendlies):
        if not check_type(f"friendlies[{index}].type", friendly.type, "threat"):
            continue
        kind = catalog.threat(friendly.type)
        if kind.threat_class != "aircraft" or kind.decoy is not None:
            aircraft = [t.name for t in catalog.of_kind("threat") if t.threat_class == "aircraft" and t.decoy is None]
            what = "a decoy" if kind.decoy is not None else f"a {kind.threat_class.replace('_', ' ')}"
            problems.append(Problem(f"'{friendly.type}' is {what}: a friendly flight is an aircraft",
                                    f"friendlies[{index}].type", expected=f"an aircraft type ({', '.join(aircraft)})",
                                    suggestion="airliner-a320-class for an airliner"))
        if friendly.time > scenario.duration:
            problems.append(Problem(f"the flight starts ({friendly.time:g} s) after the end of the scenario "
                                    f"({scenario.duration:g} s)", f"friendlies[{index}].time",
                                    expected=f"a time within the duration ({scenario.duration:g} s)",
                                    suggestion="lengthen the duration, or start the flight earlier"))
    return problems


def check_command(scenario: Scenario) -> list[Problem]:
    """Command posts: on networks the scenario defines; a unit names a post that exists and shares a network
    with it."""
    problems: list[Problem] = []
    networks = [network.name for network in scenario.networks]
    posts = {post.name: post for post in scenario.command_posts}
    for index, post in enumerate(scenario.command_posts):
        for k, name in enumerate(post.networks):
            if name not in networks:
                problems.append(Problem(f"command post '{post.name}' is on unknown network '{name}'",
                                        f"command_posts[{index}].networks[{k}]",
                                        expected=f"a network of the scenario ({', '.join(networks) or 'none defined'})",
                                        suggestion=did_you_mean(name, networks) or "define it under 'networks:'"))
    for index, unit in enumerate(scenario.units):
        if unit.command_post is None:
            continue
        post = posts.get(unit.command_post)
        if post is None:
            problems.append(Problem(f"unknown command post '{unit.command_post}'", f"units[{index}].command_post",
                                    expected=f"the name of a command post ({', '.join(posts) or 'none defined'})",
                                    suggestion=did_you_mean(unit.command_post, list(posts))
                                    or "define it under 'command_posts:'"))
        elif not set(post.networks) & set(unit.networks):
            problems.append(Problem(f"unit '{unit.name}' shares no network with its command post '{post.name}'",
                                    f"units[{index}].command_post",
                                    expected=f"a unit on one of the post's networks ({', '.join(post.networks)})",
                                    suggestion=f"add {post.networks[0]} to the unit's networks"))
    return problems


def check_times(scenario: Scenario) -> list[Problem]:
    """Times that make no sense for this scenario's duration: a raid whose first launch comes after the end."""
    return [Problem(f"the raid's first launch ({raid.launch_time:g} s) comes after the end of the scenario "
                    f"({scenario.duration:g} s)", f"raids[{index}].launch_time",
                    expected=f"a launch_time within the duration ({scenario.duration:g} s)",
                    suggestion="lengthen the duration, or launch the raid earlier")
            for index, raid in enumerate(scenario.raids) if raid.launch_time > scenario.duration]


def check_terrain(scenario: Scenario) -> list[Problem]:
    """The terrain file, read and checked in full whatever the radar model (a run never meets a bad one)."""
    if scenario.terrain is None:
        return []
    problem = check_terrain_file(scenario.terrain.file)
    return [] if problem is None else [problem]


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON form: equal for equal scenarios, whatever the formatting."""
    canonical = json.dumps(_stable_form(scenario), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _stable_form(scenario: Scenario) -> dict[str, Any]:
    """The scenario as JSON data, without the fields that came after hashes were first stored when unset
    (``jammers``, each raid's ``jammer``, ``decoys``, ``target_part`` and ``releases`` and its waypoints' ``name``; ``friendlies``, ``corridors``,
    ``command_posts``, each unit's ``command_post`` and ``emission``, the doctrine's ``iff``, ``iff_challenges``,
    ``autonomy_delay`` and ``emission`` at their defaults): a scenario without them keeps its hash (a study
    started before them still resumes)."""
    data = scenario.model_dump(mode="json")
    for later in ("jammers", "friendlies", "corridors", "command_posts"):  # added later: absent when unused
        if not data[later]:
            del data[later]
    for unit in data["units"]:
        for optional in ("command_post", "emission"):
            if unit[optional] is None:
                del unit[optional]
    defaults = Doctrine().model_dump(mode="json")
    for field_name in ("iff", "iff_challenges", "autonomy_delay", "emission"):
        if data["doctrine"][field_name] == defaults[field_name]:
            del data["doctrine"][field_name]
    for raid in data["raids"]:
        for optional in ("jammer", "decoys", "target_part"):
            if raid[optional] is None:
                del raid[optional]
        if not raid["releases"]:
            del raid["releases"]
        for point in raid["waypoints"]:
            if point["name"] is None:
                del point["name"]
    return data
