"""Real-time plumbing: who hears what (groups), telling them (broadcast), and the sockets."""

from core.realtime.broadcast import (
    Happened,
    access_changed,
    announce,
    publish,
    register_frames,
    session_changed,
    session_ended,
)

__all__ = [
    "Happened",
    "access_changed",
    "announce",
    "publish",
    "register_frames",
    "session_changed",
    "session_ended",
]
