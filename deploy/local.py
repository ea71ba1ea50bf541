"""deploy/'s own nginx site and daphne unit, run on this machine on ports of one's own: what the
deployment test (deploy/tests/test_nginx.py) and the restart benchmark (bench/restart_bench.py)
stand on.

The site is the shipped deploy/nginx/kith.conf, moved onto local ports, a self-signed
certificate and a static folder; each daphne process runs the kith-daphne@ unit's own
ExecStart. Debian's nginx runs it in the foreground with every path inside one folder.
"""

from __future__ import annotations

import datetime
import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from ipaddress import IPv4Address
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

DEPLOY = Path(__file__).resolve().parent
NGINX = Path(shutil.which("nginx") or "/usr/sbin/nginx")
SITE = DEPLOY / "nginx" / "kith.conf"
DAPHNE_UNIT = DEPLOY / "systemd" / "kith-daphne@.service"
HOST = "127.0.0.1"
WAIT_SECONDS = 10


class NotStarted(RuntimeError):
    """nginx stopped, or did not listen in time; the message holds its error log."""


def daphne_command(port: int) -> list[str]:
    """The unit's own ExecStart, with this virtualenv's daphne and the port as its instance."""
    line = next(
        line for line in DAPHNE_UNIT.read_text().splitlines() if line.startswith("ExecStart=")
    )
    program, *args = shlex.split(line.removeprefix("ExecStart="))
    assert program.endswith("/daphne"), line
    # The access log shows which process took each socket.
    return [sys.executable, "-m", "daphne", "--access-log", "-"] + [
        arg.replace("%i", str(port)) for arg in args
    ]


def as_deployed(env: dict[str, str], *, metrics_token: str) -> dict[str, str]:
    """A server environment set as deploy/kith.env.example sets a deployment's."""
    env = dict(env)
    # A deployment's push endpoints are on the internet: the test-only opening is refused.
    env.pop("PUSH_ALLOW_PRIVATE_ENDPOINTS", None)
    env.update(
        SECURE_COOKIES="true",
        BEHIND_PROXY="true",
        ALLOWED_HOSTS=HOST,
        KITH_MANIFEST_STATIC="true",
        METRICS_TOKEN=metrics_token,
    )
    return env


def start_daphne(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    """One daphne process as the unit starts it, writing its output to ``log``."""
    with log.open("w") as handle:
        return subprocess.Popen(
            daphne_command(port),
            cwd=DEPLOY.parent,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )


def _replace_once(text: str, old: str, new: str) -> str:
    """A template change that breaks the rewrite must fail here, not pass unnoticed."""
    assert text.count(old) == 1, f"expected {old!r} once in {SITE.name}"
    return text.replace(old, new)


def site_for(
    *, daphne_ports: list[int], http_port: int, https_port: int, tls: Path, static: Path
) -> str:
    """The site as shipped, moved onto these ports, certificate and static folder."""
    site = SITE.read_text()
    upstream = "".join(f"    server {HOST}:{port} max_fails=0;\n" for port in daphne_ports)
    site, count = re.subn(r"(?m)^    server 127\.0\.0\.1:\d+ max_fails=0;\n", "", site)
    assert count == 2, "the shipped upstream lists two daphne processes"
    site = _replace_once(site, "upstream kith_daphne {\n", "upstream kith_daphne {\n" + upstream)
    site = _replace_once(site, "    listen 80;\n", f"    listen {HOST}:{http_port};\n")
    site = _replace_once(site, "    listen [::]:80;\n", "")
    site = _replace_once(
        site, "    listen 443 ssl http2;\n", f"    listen {HOST}:{https_port} ssl http2;\n"
    )
    site = _replace_once(site, "    listen [::]:443 ssl http2;\n", "")
    site = _replace_once(
        site, "/etc/letsencrypt/live/kith.example.org/fullchain.pem", str(tls / "cert.pem")
    )
    site = _replace_once(
        site, "/etc/letsencrypt/live/kith.example.org/privkey.pem", str(tls / "key.pem")
    )
    return _replace_once(site, "alias /srv/kith/var/static/;", f"alias {static}/;")


def main_conf(root: Path, *, worker_connections: int = 256) -> str:
    """What /etc/nginx/nginx.conf gives a site, with every path inside ``root``.

    Each proxied socket takes two of a worker's connections (the client's and daphne's).
    """
    temp = " ".join(
        f"{kind}_temp_path {root / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    # Run as root, nginx hands its workers to nobody, who may not read this folder.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    return f"""
daemon off;
{user}
worker_processes 1;
worker_rlimit_nofile {2 * worker_connections + 64};
pid {root / "nginx.pid"};
error_log {root / "error.log"} info;
events {{ worker_connections {worker_connections}; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {root / "access.log"};
    {temp} uwsgi_temp_path {root / "uwsgi"}; scgi_temp_path {root / "scgi"};
    include {root / "kith.conf"};
}}
"""


def self_signed_certificate(folder: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    # A fixed validity window: nothing may depend on the day it runs.
    start = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=365 * 100))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(IPv4Address(HOST))]), False)
        .sign(key, hashes.SHA256())
    )
    (folder / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def _wait_for_port(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise NotStarted(f"nginx stopped ({process.returncode}):\n{log.read_text()}")
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.1)
    raise NotStarted(f"nginx did not listen within {WAIT_SECONDS}s:\n{log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def nginx_in_front(
    root: Path,
    *,
    daphne_ports: list[int],
    http_port: int,
    https_port: int,
    static: Path,
    worker_connections: int = 256,
) -> Iterator[subprocess.Popen]:
    """The shipped site in Debian's nginx, in front of the daphne processes on these ports."""
    tls = root / "tls"
    tls.mkdir()
    self_signed_certificate(tls)
    (root / "kith.conf").write_text(
        site_for(
            daphne_ports=daphne_ports,
            http_port=http_port,
            https_port=https_port,
            tls=tls,
            static=static,
        )
    )
    (root / "nginx.conf").write_text(main_conf(root, worker_connections=worker_connections))
    command = [str(NGINX), "-p", str(root), "-c", str(root / "nginx.conf")]
    command += ["-e", str(root / "error.log")]
    with (root / "nginx.out").open("w") as handle:
        process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, cwd=root)
    try:
        _wait_for_port(process, https_port, root / "error.log")
        yield process
    finally:
        stop(process)
