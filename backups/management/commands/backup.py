"""python manage.py backup [--into DIR]: a dated folder with the database dump, the media files
and a manifest of checksums and row counts (see backups.services)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.services import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database (pg_dump, custom format) and the media files, with a manifest."

    def add_arguments(self, parser):
        parser.add_argument(
            "--into", type=Path, help="the folder to write into (default: PORTAL_BACKUP_DIR)"
        )

    def handle(self, *args, into: Path | None, **options):
        try:
            folder = backup_create(into=into)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(str(folder))
