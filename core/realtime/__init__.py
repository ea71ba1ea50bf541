"""Real-time plumbing: who hears what (groups), telling them (broadcast), and the sockets."""

from core.realtime.broadcast import access_changed, publish, session_changed, session_ended

__all__ = ["access_changed", "publish", "session_changed", "session_ended"]
