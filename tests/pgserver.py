"""A throwaway PostgreSQL server for the tests: initdb and pg_ctl in a temporary folder.

The server listens on 127.0.0.1 on a free port (and a Unix socket in its folder), trusts
loopback connections, and is stopped and deleted at the end of the session. initdb
refuses to run as root, so as root (CI, this machine) the server binaries run as the
``postgres`` user (or ``nobody``) through ``runuser``. Without the binaries the tests
that need the server are skipped with the reason, unless ``DRUGFREE_REQUIRE_POSTGRES=1``
(set by ``.ci/run``) makes that a failure.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def server_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, else Debian's newest version."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _runner() -> tuple[list[str], str | None]:
    if os.geteuid() != 0:
        return [], None
    for user in ("postgres", "nobody"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            continue
        return ["runuser", "-u", user, "--"], user
    pytest.fail("running as root and no unprivileged user (postgres, nobody) to run initdb")


@pytest.fixture(scope="session")
def postgres_uri() -> Iterator[str]:
    """``postgresql://drugfree@127.0.0.1:PORT/postgres`` of a server started for the session."""
    bindir = server_binaries()
    if bindir is None:
        reason = "no PostgreSQL server binaries (initdb, pg_ctl); install Debian's postgresql"
        if os.environ.get("DRUGFREE_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{reason} (DRUGFREE_REQUIRE_POSTGRES=1)")
        pytest.skip(reason)
    prefix, user = _runner()
    base = Path(tempfile.mkdtemp(prefix="drugfree-pg-"))
    base.chmod(0o755)
    if user is not None:
        shutil.chown(base, user=user)
    data = base / "data"
    port = _free_port()

    def run(*args: str) -> None:
        result = subprocess.run(
            [*prefix, *args], capture_output=True, text=True, check=False, cwd=base
        )
        if result.returncode:
            log = base / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            pytest.fail(f"{' '.join(args[:1])} failed: {result.stderr or result.stdout}\n{tail}")

    run(
        str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "drugfree",
        "-E", "UTF8", "--locale=C", "--no-sync",
    )  # fmt: skip
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "server.log"),
        "-w", "-t", "60", "start")  # fmt: skip
    try:
        yield f"postgresql://drugfree@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(base, ignore_errors=True)
