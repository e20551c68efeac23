#!/usr/bin/env python3
"""Run a command against a throwaway PostgreSQL cluster, then remove the cluster.

    python scripts/with_postgres.py .venv/bin/python -m pytest

The cluster lives in a temporary directory, listens only on a unix socket there, runs with fsync
off, and is stopped and deleted afterwards whatever the command's outcome. The command sees
DATABASE_URL pointing at it and EXPECT_DB_VENDOR=postgresql (a test asserts the suite really ran
on PostgreSQL). As root, initdb and pg_ctl run as the ``postgres`` OS user, which initdb requires.

When no PostgreSQL server binaries are found, they are installed from Debian's packages if this
runs as root; otherwise the pass is skipped, except with CI=true, where that is a failure.
"""

import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from urllib.parse import quote

PREFERRED_VERSION = "15"


def find_bin_dir() -> str | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    preferred = f"/usr/lib/postgresql/{PREFERRED_VERSION}/bin"
    if preferred in candidates:
        candidates.remove(preferred)
        candidates.insert(0, preferred)
    for directory in candidates:
        if os.path.exists(os.path.join(directory, "initdb")):
            return directory
    initdb = shutil.which("initdb")
    return os.path.dirname(os.path.realpath(initdb)) if initdb else None


def install_server() -> None:
    print(
        "PostgreSQL のサーバーが見つからないため、Debian のパッケージから導入します。", flush=True
    )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", f"postgresql-{PREFERRED_VERSION}"], check=True, env=env
    )


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    is_root = os.geteuid() == 0
    bin_dir = find_bin_dir()
    if bin_dir is None and is_root and shutil.which("apt-get"):
        install_server()
        bin_dir = find_bin_dir()
    if bin_dir is None:
        message = "PostgreSQL のサーバー（initdb）が見つかりません。"
        if os.environ.get("CI", "").lower() == "true":
            print(f"{message} CI では PostgreSQL での試験を省略できません。", file=sys.stderr)
            return 1
        print(f"{message} PostgreSQL での試験を省略します。", file=sys.stderr)
        return 0

    workdir = tempfile.mkdtemp(prefix="nemuro-pg-")
    as_owner: list[str] = []
    if is_root:
        pg_user = pwd.getpwnam("postgres")
        os.chown(workdir, pg_user.pw_uid, pg_user.pw_gid)
        as_owner = ["runuser", "-u", "postgres", "--"]
    data = os.path.join(workdir, "data")
    log = os.path.join(workdir, "server.log")
    options = (
        f"-k {workdir} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=50"
    )
    started = False
    try:
        subprocess.run(
            [
                *as_owner,
                f"{bin_dir}/initdb",
                "-D",
                data,
                "--no-sync",
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run(
            [*as_owner, f"{bin_dir}/pg_ctl", "-D", data, "-o", options, "-l", log, "-w", "start"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        started = True
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://postgres@{quote(workdir, safe='')}/nemuro",
            "EXPECT_DB_VENDOR": "postgresql",
        }
        print(
            f"PostgreSQL {os.path.basename(os.path.dirname(bin_dir))} の使い捨てクラスタで実行します。",
            flush=True,
        )
        return subprocess.run(argv, env=env).returncode
    finally:
        if started:
            subprocess.run(
                [*as_owner, f"{bin_dir}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
