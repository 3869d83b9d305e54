"""Command posts above the fire units, and the units' fall-back to autonomy when cut off from theirs.

A scenario's ``command_posts`` (battalion, brigade, national) each stand at a position, on
networks; a unit names the one that commands it (``units[].command_post``), with which it
shares a network (checked at load). While its post stands, the post solves the assignment
for its units on the picture of their networks, as every command cycle does
(:mod:`iadsim.c2.tewa`).

A unit is **cut off** when its command post is lost (its ``lost_at``) or when its own
command-post part is lost to a strike (:mod:`iadsim.c2.components`): from then its
networked picture is unavailable to it (it fires at nothing) for the doctrine's
``autonomy_delay``; then it goes **autonomous**: it fights on the picture of its own radars
alone (kept for it from the start by compilation: ``unit_own_picture``) with its own
doctrine. It never returns to the post. Events: ``command_lost`` (``unit_id``; ``detail``:
the post's name, or ``own command post``) and ``autonomous`` (``unit_id``; ``value``: the
seconds it was cut off).

The decide stage runs this first each cycle; it sets ``world.units.picture``, the picture
each unit fights from (-1: none). Built only for a scenario with command posts.
"""

from __future__ import annotations

import numpy as np

from iadsim.events import NO_EVENTS, EventColumns, events, merge
from iadsim.scenario.compile import CompiledScenario
from iadsim.world import World

OWN_COMMAND_POST = "own command post"


class Command:
    """The units' command: which post each answers to, and which are cut off or autonomous (module doc)."""

    def __init__(self, compiled: CompiledScenario) -> None:
        scenario = compiled.scenario
        names = [post.name for post in scenario.command_posts]
        self.post_name = np.array(names, dtype=object)
        self.post_lost_t_s = np.array([np.inf if p.lost_at is None else p.lost_at for p in scenario.command_posts])
        self.post_of_unit = np.array([-1 if u.command_post is None else names.index(u.command_post)
                                      for u in scenario.units], dtype=np.int64)
        self.commanded = np.flatnonzero(self.post_of_unit >= 0)
        self.own_picture = compiled.unit_own_picture
        self.delay_s = scenario.doctrine.autonomy_delay
        self.cut_t_s = np.full(len(scenario.units), np.inf)
        self.autonomous = np.zeros(len(scenario.units), dtype=bool)
        self.next_s = float(self.post_lost_t_s.min(initial=np.inf))  # next loss of a post, or autonomy

    @classmethod
    def of(cls, compiled: CompiledScenario) -> Command | None:
        """The command of a scenario with command posts, else ``None``."""
        return cls(compiled) if compiled.scenario.command_posts else None

    def step(self, world: World, t_s: float) -> EventColumns:
        """Cut off the units whose post or own command post is lost by ``t_s``; make autonomous those cut off
        for ``autonomy_delay``."""
        units = world.units
        own_up = units.parts.command_post_up[self.commanded]
        if t_s < self.next_s and own_up.all():
            return NO_EVENTS
        post_up = self.post_lost_t_s[self.post_of_unit[self.commanded]] > t_s
        cut = self.commanded[~(post_up & own_up) & np.isinf(self.cut_t_s[self.commanded])]
        lost = NO_EVENTS
        if len(cut):
            self.cut_t_s[cut] = t_s
            units.picture[cut] = -1
            detail = np.where(post_up[np.searchsorted(self.commanded, cut)], OWN_COMMAND_POST,
                              self.post_name[self.post_of_unit[cut]])
            lost = events("command_lost", t_s, len(cut), units.pos_ecef_m[cut], unit_id=units.id[cut],
                          detail=detail.astype(object))
        due = np.flatnonzero(~self.autonomous & (self.cut_t_s + self.delay_s <= t_s))
        gone = NO_EVENTS
        if len(due):
            self.autonomous[due] = True
            units.picture[due] = self.own_picture[due]
            gone = events("autonomous", t_s, len(due), units.pos_ecef_m[due], unit_id=units.id[due],
                          value=t_s - self.cut_t_s[due])
        waiting = self.cut_t_s[~self.autonomous] + self.delay_s
        later = self.post_lost_t_s[self.post_lost_t_s > t_s]
        self.next_s = float(min(waiting.min(initial=np.inf), later.min(initial=np.inf)))
        return merge(lost, gone)
