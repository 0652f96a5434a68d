"""bspos assessment-template import FILE.json | export KEY [--version N]: templates as data (JSON)."""

import json
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bspos.vcio.models import AssessmentTemplate
from bspos.vcio.services import export_template, import_template


class Command(BaseCommand):
    help = "Import an assessment template from JSON (a new version) or export one to standard output."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="Import FILE (JSON; - for standard input).")
        load.add_argument("file")
        dump = sub.add_parser("export", help="Print a template as JSON.")
        dump.add_argument("key")
        dump.add_argument("--version", type=int, help="Default: the newest version.")

    def handle(self, *args, action: str, **options):
        if action == "import":
            try:
                text = sys.stdin.read() if options["file"] == "-" else Path(options["file"]).read_text("utf-8")
                template, created = import_template(json.loads(text))
            except (OSError, json.JSONDecodeError) as error:
                raise CommandError(f"Cannot read the template: {error}") from None
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            self.stdout.write(f"{'Imported' if created else 'Already present, unchanged:'} {template}")
            return
        templates = AssessmentTemplate.objects.filter(key=options["key"])
        if options.get("version"):
            templates = templates.filter(version=options["version"])
        template = templates.order_by("-version").first()
        if template is None:
            raise CommandError(f"No template “{options['key']}”"
                               + (f" version {options['version']}" if options.get("version") else "") + ".")
        self.stdout.write(json.dumps(export_template(template), indent=1, ensure_ascii=False))
