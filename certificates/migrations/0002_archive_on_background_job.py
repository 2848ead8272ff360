"""CertificateArchive is a jobs.ZipJob: its progress fields take the base's names (the columns
are renamed, their values kept) and it records which worker claimed it and when."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="certificatearchive", name="certificate_archive_progress_within_total"),
        migrations.RenameField(model_name="certificatearchive", old_name="files_done", new_name="progress_done"),
        migrations.RenameField(model_name="certificatearchive", old_name="files_total", new_name="progress_total"),
        migrations.AlterField(
            model_name="certificatearchive",
            name="progress_done",
            field=models.PositiveIntegerField(default=0, verbose_name="items done"),
        ),
        migrations.AlterField(
            model_name="certificatearchive",
            name="progress_total",
            field=models.PositiveIntegerField(default=0, verbose_name="items in all"),
        ),
        migrations.AddField(
            model_name="certificatearchive",
            name="claimed_by",
            field=models.CharField(blank=True, max_length=200, verbose_name="claimed by"),
        ),
        migrations.AddField(
            model_name="certificatearchive",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="started"),
        ),
        migrations.AddConstraint(
            model_name="certificatearchive",
            constraint=models.CheckConstraint(
                condition=models.Q(("progress_done__lte", models.F("progress_total"))),
                name="certificate_archive_progress_within_total",
            ),
        ),
    ]
