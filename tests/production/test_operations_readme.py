"""README「本番運用」 is what an operator runs the site from: it lists every environment variable
the code reads (found here by reading the code, so a new one fails this test until it is
documented), the operations steps and the backups, and its SQLite backup recipe works on a
database in WAL mode where copying the file does not."""

import re
import shutil
import sqlite3
import subprocess

import pytest
from django.conf import settings

BASE_DIR = settings.BASE_DIR
SCANNED = ["nemuro_strategy", "strategy", "kpi", "verification", "scripts"]
EXTRA_FILES = ["gunicorn.conf.py", "manage.py"]
# Reads of a variable by name: os.environ.get("X"), os.environ["X"], os.getenv("X"),
# os.environ.setdefault("X", …), env_bool/env_int/env_list("X", …), env("X"), and
# gunicorn.conf.py's _int("X", …).
READ = re.compile(
    r"""(?:os\.environ\.get|os\.environ\.setdefault|os\.getenv|\benv(?:_bool|_int|_list)?|\b_int)"""
    r"""\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]"""
)
# Read under a name given elsewhere: dj-database-url's default variable, create_staff_user's
# --password-env default.
INDIRECT = {
    "DATABASE_URL": "nemuro_strategy/settings.py",  # dj_database_url.config()
    "NEMURO_STAFF_PASSWORD": "strategy/management/commands/create_staff_user.py",
}
TABLE_ROW = re.compile(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", re.MULTILINE)


def sources():
    for folder in SCANNED:
        for path in sorted((BASE_DIR / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path
    for name in EXTRA_FILES:
        yield BASE_DIR / name


def variables_the_code_reads() -> dict[str, str]:
    found = {}
    for path in sources():
        for match in READ.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match[1] or match[2], str(path.relative_to(BASE_DIR)))
    for name, where in INDIRECT.items():
        assert name in (BASE_DIR / where).read_text(encoding="utf-8"), (name, where)
        found[name] = where
    return found


def section() -> str:
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    start = readme.index("\n## 本番運用\n")
    end = readme.find("\n## ", start + 1)
    return readme[start : end if end != -1 else None]


def documented() -> set[str]:
    return set(TABLE_ROW.findall(section()))


def test_the_scan_finds_the_variables_it_should():
    """Guard against a scan that silently finds nothing: one read of each kind."""
    found = variables_the_code_reads()
    for name in ("SECRET_KEY", "DJANGO_DEBUG", "ALLOWED_HOSTS", "CACHE_URL", "BIND"):
        assert name in found, name
    assert {"WEB_CONCURRENCY", "GUNICORN_TIMEOUT", "DJANGO_SETTINGS_MODULE", "CI"} <= set(found)


def test_every_environment_variable_the_code_reads_is_in_the_readme_table():
    found = variables_the_code_reads()
    missing = {name: where for name, where in found.items() if name not in documented()}
    assert not missing, f"not in README「本番運用」's table (name → where it is read): {missing}"


def test_every_variable_of_env_example_is_documented():
    example = (BASE_DIR / ".env.example").read_text(encoding="utf-8")
    names = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example, re.MULTILINE))
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "CACHE_URL", "TRUSTED_PROXY_COUNT"} <= names
    assert names <= documented()


@pytest.mark.parametrize(
    "step",
    [
        "make serve",
        "collectstatic --noinput",
        "migrate --noinput",
        "gunicorn -c gunicorn.conf.py nemuro_strategy.wsgi",
        "maxmemory-policy allkeys-lru",
        "CACHE_URL=redis://",
        "GET /healthz",
        "TRUSTED_PROXY_COUNT",
        "pg_dump -Fc",
        "pg_restore",
        'sqlite3 db.sqlite3 ".backup',
        "WAL",
        "cache.clear()",
    ],
)
def test_the_section_gives_the_operations_steps(step):
    assert step in section()


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 command is not installed")
def test_the_sqlite_backup_recipe_keeps_what_copying_the_file_loses(tmp_path):
    """The site's SQLite runs in WAL mode: committed rows wait in db.sqlite3-wal until a
    checkpoint, so a copy of db.sqlite3 alone misses them; ``.backup`` does not."""
    database = tmp_path / "db.sqlite3"
    site = sqlite3.connect(database)
    site.execute("PRAGMA journal_mode=WAL")
    site.execute("PRAGMA wal_autocheckpoint=0")  # as between two checkpoints of a busy site
    site.execute("CREATE TABLE result (value INTEGER)")
    site.executemany("INSERT INTO result VALUES (?)", [(n,) for n in range(100)])
    site.commit()
    shutil.copy(database, tmp_path / "copy.sqlite3")
    subprocess.run(
        ["sqlite3", "db.sqlite3", ".backup 'backup.sqlite3'"], cwd=tmp_path, check=True, timeout=30
    )
    site.close()

    backup = sqlite3.connect(tmp_path / "backup.sqlite3")
    assert backup.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert backup.execute("SELECT count(*) FROM result").fetchone() == (100,)
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        copy.execute("SELECT count(*) FROM result")
