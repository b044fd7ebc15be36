from django.core.management.base import BaseCommand, CommandError

from lssc.celery import app


class Command(BaseCommand):
    help = (
        "Run every periodic job of the beat schedule once, in this process, without a broker. "
        "Jobs are idempotent, so this is safe while beat is also running."
    )

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="*", metavar="NAME", help="Run only these entries.")

    def handle(self, *args, only=None, **options):
        app.loader.import_default_modules()
        schedule = app.conf.beat_schedule
        names = only or list(schedule)
        unknown = [name for name in names if name not in schedule]
        if unknown:
            raise CommandError(
                f"Unknown job(s): {', '.join(unknown)}. Known: {', '.join(sorted(schedule))}."
            )
        failed = []
        for name in names:
            entry = schedule[name]
            task = app.tasks[entry["task"]]
            result = task.apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))
            if result.failed():
                failed.append(name)
                self.stderr.write(f"{name}: failed — {result.result!r}")
            else:
                self.stdout.write(f"{name}: done ({result.result!r})")
        if failed:
            raise CommandError(f"{len(failed)} job(s) failed: {', '.join(failed)}.")
