"""Backups that can be proven: a PostgreSQL dump (custom format) and the media files in a dated
folder, with a manifest of checksums and row counts that a restore checks before it touches
anything.

The row counts are taken inside the very snapshot that pg_dump dumps (an exported snapshot of a
repeatable-read transaction), so they match the dump even while the portal is in use. Media
files are copied after the dump: a file added meanwhile is copied without a row pointing to it
(harmless); a file removed meanwhile (an expired export) is simply not in the backup."""

import hashlib
import json
import logging
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg2
from django.conf import settings
from django.utils import timezone
from psycopg2 import sql

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media"
FORMAT_VERSION = 1

Database = dict[str, Any]


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why, for the operator."""


@dataclass(frozen=True)
class RestoreResult:
    tables: int
    rows: int
    media_files: int


def default_database() -> Database:
    return dict(settings.DATABASES["default"])


def backup_dir() -> Path:
    return Path(settings.PORTAL_BACKUP_DIR)


# Connecting -------------------------------------------------------------------------------


def _libpq_env(database: Database) -> dict[str, str]:
    """The connection as libpq environment variables: no password on a command line."""
    values = {
        "PGDATABASE": database.get("NAME"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGHOST": database.get("HOST"),
        "PGPORT": str(database.get("PORT") or ""),
    }
    return {**os.environ, **{key: value for key, value in values.items() if value}}


def _connect(database: Database) -> Any:
    params = {
        "dbname": database.get("NAME"),
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
    }
    return psycopg2.connect(**{key: value for key, value in params.items() if value})


def _tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def _row_counts(cursor: Any) -> dict[str, int]:
    counts = {}
    for table in _tables(cursor):
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def _run(command: list[str], *, database: Database) -> None:
    try:
        done = subprocess.run(
            command, env=_libpq_env(database), capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client).") from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")


# Checksums --------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def media_checksums(root: Path) -> dict[str, str]:
    """The sha256 of every file under root, by its path relative to root."""
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): _sha256(path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _portal_version() -> dict[str, str]:
    version = {"portal": "0.1.0"}
    done = subprocess.run(
        ["git", "rev-parse", "HEAD"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode == 0:
        version["commit"] = done.stdout.strip()
    return version


# Backing up -------------------------------------------------------------------------------


def _dump(*, database: Database, target: Path) -> dict[str, int]:
    """Dump the database and count its rows, both from one snapshot."""
    try:
        connection = _connect(database)
    except psycopg2.Error as exc:
        raise BackupError(f"Cannot connect to the database: {exc}".strip()) from None
    try:
        connection.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _row_counts(cursor)
            _run(
                ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
                database=database,
            )
    finally:
        connection.rollback()
        connection.close()
    return counts


def _copy_media(*, source: Path, target: Path) -> dict[str, str]:
    target.mkdir()
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)
    return media_checksums(target)


def backup_create(
    *, into: Path | None = None, database: Database | None = None, media_root: Path | None = None
) -> Path:
    """Make a dated backup folder under `into` and return its path."""
    database = database or default_database()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    created = timezone.now()
    folder = (into or backup_dir()) / created.strftime("%Y%m%d-%H%M%S-%f")
    folder.mkdir(parents=True)
    try:
        counts = _dump(database=database, target=folder / DUMP)
        media = _copy_media(source=media_root, target=folder / MEDIA)
    except BaseException:
        # No half-made folder that looks like a backup.
        shutil.rmtree(folder, ignore_errors=True)
        raise
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": created.isoformat(),
        "version": _portal_version(),
        "database": {
            "file": DUMP,
            "sha256": _sha256(folder / DUMP),
            "tables": len(counts),
            "row_counts": counts,
        },
        "media": {"files": len(media), "sha256": media},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), "utf-8")
    logger.info("backup written to %s (%s tables, %s media files)", folder, len(counts), len(media))
    return folder


# Checking ---------------------------------------------------------------------------------


def _read_manifest(source: Path) -> dict[str, Any]:
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} is not a backup: {MANIFEST} is missing.")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text("utf-8"))
        manifest["database"]["sha256"]
        manifest["media"]["sha256"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{path} is damaged: {exc}.") from None
    return manifest


def _media_problems(source: Path, expected: dict[str, str]) -> list[str]:
    found = media_checksums(source / MEDIA)
    problems = [f"media file missing: {name}" for name in sorted(expected.keys() - found.keys())]
    problems += [
        f"media file not in the manifest: {name}" for name in sorted(found.keys() - expected.keys())
    ]
    problems += [
        f"media file changed (checksum differs): {name}"
        for name in sorted(expected.keys() & found.keys())
        if expected[name] != found[name]
    ]
    return problems


def backup_verify(*, source: Path) -> dict[str, Any]:
    """Check every file of the backup against its manifest; raise BackupError naming each
    problem. Returns the manifest."""
    manifest = _read_manifest(source)
    dump = source / manifest["database"].get("file", DUMP)
    problems = []
    if not dump.is_file():
        problems.append(f"database dump missing: {dump.name}")
    elif _sha256(dump) != manifest["database"]["sha256"]:
        problems.append(f"database dump changed (checksum differs): {dump.name}")
    problems += _media_problems(source, manifest["media"]["sha256"])
    if problems:
        raise BackupError(f"The backup {source} is damaged: " + "; ".join(problems) + ".")
    return manifest


# Restoring --------------------------------------------------------------------------------


def _check_empty_target(*, database: Database, media_root: Path) -> None:
    connection = _connect(database)
    try:
        with connection.cursor() as cursor:
            tables = _tables(cursor)
    finally:
        connection.close()
    if tables:
        raise BackupError(
            f"The database {database.get('NAME')} is not empty ({len(tables)} tables). "
            "Restore into a new, empty database (createdb), never over a live one."
        )
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"The media folder {media_root} is not empty; restore into an empty one.")


def database_row_counts(*, database: Database) -> dict[str, int]:
    """The number of rows in each table of the database."""
    connection = _connect(database)
    try:
        with connection.cursor() as cursor:
            return _row_counts(cursor)
    finally:
        connection.close()


def _compare_counts(*, database: Database, expected: dict[str, int]) -> int:
    found = database_row_counts(database=database)
    differences = [
        f"{table}: {expected.get(table)} in the backup, {found.get(table)} restored"
        for table in sorted(expected.keys() | found.keys())
        if expected.get(table) != found.get(table)
    ]
    if differences:
        raise BackupError("Row counts differ after the restore: " + "; ".join(differences) + ".")
    return sum(found.values())


def backup_restore(
    *, source: Path, database: Database | None = None, media_root: Path | None = None
) -> RestoreResult:
    """Restore a checked backup into an empty database and an empty media folder."""
    database = database or default_database()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    manifest = backup_verify(source=source)
    _check_empty_target(database=database, media_root=media_root)
    _run(
        [
            "pg_restore",
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            f"--dbname={database.get('NAME')}",
            str(source / manifest["database"].get("file", DUMP)),
        ],
        database=database,
    )
    shutil.copytree(source / MEDIA, media_root, dirs_exist_ok=True)
    expected = manifest["database"]["row_counts"]
    rows = _compare_counts(database=database, expected=expected)
    if media_checksums(media_root) != manifest["media"]["sha256"]:
        raise BackupError(f"The media files in {media_root} differ from the backup's manifest.")
    return RestoreResult(tables=len(expected), rows=rows, media_files=manifest["media"]["files"])
