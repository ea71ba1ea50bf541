"""Group names: the only places a frame can be sent. Each one maps to exactly one audience."""

from core.access import Audience


def person_group(person_id: int, audience: Audience) -> str:
    return f"person-{person_id}-{audience.value}"


def team_group(team_id: int) -> str:
    """Team-wide pages (the rota grid). Only current team members ever join it."""
    return f"team-{team_id}"


def user_group(user_id: int) -> str:
    """Control messages for one user's sockets: their access changed."""
    return f"user-{user_id}"


def session_group(session_key: str) -> str:
    """Control messages for one signed-in session: it ended."""
    return f"session-{session_key}"
