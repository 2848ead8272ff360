"""python manage.py restore FOLDER: checks the backup against its manifest, then restores it
into the (empty) database of DATABASE_URL and the (empty) media folder, and compares the row
counts. Refuses a damaged backup, or a target that is not empty, before touching anything."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.services import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into an empty database and media folder."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="the backup folder")
        parser.add_argument(
            "--check-only",
            action="store_true",
            help="only check the backup against its manifest; restore nothing",
        )

    def handle(self, *args, source: Path, check_only: bool, **options):
        try:
            if check_only:
                manifest = backup_verify(source=source)
                self.stdout.write(f"The backup is intact ({manifest['created_at']}).")
                return
            result = backup_restore(source=source)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Restored {result.tables} tables ({result.rows} rows) and "
            f"{result.media_files} media files; row counts match the backup."
        )
