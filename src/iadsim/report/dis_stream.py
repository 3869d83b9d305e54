"""Streaming a run's DIS PDUs over UDP (``iadsim replay DIR --dis udp://HOST:PORT``).

Each PDU is sent as one datagram when its simulated time comes, at ``speed``
times real time. The address must be a UDP address; it must be on this
machine's loopback unless the user allows a remote one (a replay floods the
network it is pointed at).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from iadsim.errors import Problem, UserError
from iadsim.report.export_dis import TimedPdu

ADDRESS_EXAMPLE = "udp://127.0.0.1:3000"


@dataclass(frozen=True)
class DisAddress:
    """Where to send: the host as given, the IP address it resolved to, the UDP port."""

    host: str
    ip: str
    port: int

    def __str__(self) -> str:
        return f"udp://{self.host}:{self.port}"


def parse_address(text: str, allow_remote: bool = False) -> DisAddress:
    """The UDP address of ``text`` (``udp://HOST:PORT``); :class:`UserError` unless it is one, and unless it is on
    the loopback when ``allow_remote`` is false."""
    def refuse(message: str, suggestion: str = f"e.g. --dis {ADDRESS_EXAMPLE}") -> UserError:
        return UserError([Problem(message, path="--dis", expected="udp://HOST:PORT", suggestion=suggestion)])

    parts = urlsplit(text)
    if parts.scheme.lower() != "udp":
        scheme = f"'{parts.scheme}'" if parts.scheme else "no scheme"
        raise refuse(f"'{text}' is not a UDP address ({scheme})",
                     "DIS is sent as UDP datagrams: write udp://HOST:PORT, e.g. " + ADDRESS_EXAMPLE)
    try:
        port = parts.port
    except ValueError:
        raise refuse(f"'{text}' has no valid port") from None
    if not parts.hostname or port is None or port == 0 or parts.path not in ("", "/") or parts.query:
        raise refuse(f"'{text}' is not of the form udp://HOST:PORT")
    try:
        ip = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_DGRAM)[0][4][0]
    except (socket.gaierror, UnicodeError):
        raise refuse(f"cannot resolve the host '{parts.hostname}'", "give an IP address") from None
    if not allow_remote and not ipaddress.ip_address(ip.split("%")[0]).is_loopback:
        shown = parts.hostname if ip == parts.hostname else f"{parts.hostname} ({ip})"
        raise refuse(f"{shown} is not on this machine's loopback",
                     "pass --allow-remote to stream to another machine or network")
    return DisAddress(parts.hostname, ip, port)


def stream(pdus: Sequence[TimedPdu], address: DisAddress, speed: float) -> int:
    """Send every PDU at its simulated time divided by ``speed`` (from the first PDU); the number sent."""
    if not pdus:
        return 0
    family = socket.AF_INET6 if ":" in address.ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as sender:
        start_wall, start_sim = time.monotonic(), pdus[0].t_s
        for item in pdus:
            wait = start_wall + (item.t_s - start_sim) / speed - time.monotonic()
            if wait > 0.0:
                time.sleep(wait)
            sender.sendto(item.data, (address.ip, address.port))
    return len(pdus)
