"""Flight physics: threat motion, interceptor flyout, intercept geometry, fates."""

from iadsim.physics import assess, average_speed, flight, flyout, waypoint

__all__ = ["assess", "average_speed", "flight", "flyout", "waypoint"]
