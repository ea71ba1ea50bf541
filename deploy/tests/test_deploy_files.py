"""The files in deploy/ agree with the code they run: commands that exist, settings Kith reads,
limits Kith enforces."""

import re
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands

from families.models import NOTE_MAX_PHOTOS

DEPLOY = Path(__file__).resolve().parent.parent
UNITS = DEPLOY / "systemd"
SITE = DEPLOY / "nginx" / "kith.conf"
SETTINGS_SOURCE = (Path(settings.BASE_DIR) / "core" / "settings.py").read_text()


def _unit_lines(pattern: str) -> dict[str, str]:
    found = {}
    for unit in sorted(UNITS.iterdir()):
        for line in unit.read_text().splitlines():
            if re.match(pattern, line):
                found[unit.name] = line
    return found


def test_every_unit_runs_a_command_kith_has():
    starts = _unit_lines(r"ExecStart=")
    commands = [re.search(r"manage\.py (\w+)", line) for line in starts.values()]
    named = {match.group(1) for match in commands if match}
    assert named == {"push_worker", "export_worker", "expand_rota", "apply_retention"}
    assert named <= set(get_commands())


def test_every_timer_starts_a_service_that_exists():
    for timer in UNITS.glob("*.timer"):
        assert (UNITS / f"{timer.stem}.service").exists(), timer.name


def test_the_env_example_names_only_settings_kith_reads():
    example = (DEPLOY / "kith.env.example").read_text()
    names = re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE)
    unread = [name for name in names if f'"{name}"' not in SETTINGS_SOURCE]
    assert not unread, f"kith.env.example sets what Kith never reads: {unread}"


def test_nginx_accepts_the_largest_note_kith_accepts_and_little_more():
    size = re.search(r"client_max_body_size (\d+)m;", SITE.read_text())
    assert size is not None, "the site sets no client_max_body_size"
    largest_note = NOTE_MAX_PHOTOS * settings.PHOTO_MAX_BYTES
    # Room for the words and the form's own bytes; beyond that nginx refuses before Kith
    # reads a byte, rather than Kith explaining which photo was too large.
    assert largest_note < int(size.group(1)) * 1024 * 1024 <= largest_note + 4 * 1024 * 1024


def test_nginx_serves_static_files_from_where_collectstatic_writes_them():
    example = (DEPLOY / "kith.env.example").read_text()
    var_dir = re.search(r"^KITH_VAR_DIR=(.+)$", example, flags=re.MULTILINE)
    alias = re.search(r"location /static/ \{\s+alias ([^;]+);", SITE.read_text())
    assert var_dir is not None and alias is not None
    assert alias.group(1) == f"{var_dir.group(1)}/{Path(settings.STATIC_ROOT).name}/"
    assert settings.STATIC_URL == "/static/"


def test_nginx_never_takes_a_process_out_of_service():
    # Marking a process down after a failure took the last live one out too when its
    # neighbour died and it had a storm of handshakes to answer (bench/restart_bench.py).
    upstream = re.search(r"upstream kith_daphne \{(.*?)\}", SITE.read_text(), flags=re.DOTALL)
    assert upstream is not None
    servers = re.findall(r"^\s*server (\S+)(.*);$", upstream.group(1), flags=re.MULTILINE)
    assert len(servers) >= 2
    assert all(options.split() == ["max_fails=0"] for _address, options in servers), servers


def test_daphne_lets_a_storm_of_handshakes_wait_rather_than_dropping_them():
    [start] = _unit_lines(r"ExecStart=.*daphne").values()
    timeout = re.search(r"--websocket_connect_timeout (\d+)", start)
    assert timeout is not None, "daphne's own 5 s drops handshakes a reconnect storm queues"
    sockets = re.search(r"location /ws/ \{.*?proxy_read_timeout (\d+)h;", SITE.read_text(), re.S)
    assert sockets is not None
    # Long enough for the pages of a killed process, and nginx waits at least as long.
    assert 30 <= int(timeout.group(1)) <= int(sockets.group(1)) * 3600
