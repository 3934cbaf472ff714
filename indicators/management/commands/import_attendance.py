"""import_attendance FILE --region CODE: the same checks as the import page; nothing is saved
when any row is wrong (the row errors are printed and the command exits with status 1)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessment.models import Region
from indicators.imports import MAX_FILE_BYTES, ImportFileError
from indicators.models import ImportBatch
from indicators.services import import_apply, import_preview


class Command(BaseCommand):
    help = "导入考勤记录（xlsx 或 csv：工号或姓名+单位、日期、状态）。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--region", required=True, help="区代码")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不导入")

    def handle(self, *args, file, region, dry_run, **options):
        region_obj = Region.objects.filter(code=region).first()
        if region_obj is None:
            raise CommandError(f"没有代码为 {region} 的区。")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {file}。")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"文件过大，上限 {MAX_FILE_BYTES // 1024 // 1024} MB。")
        with transaction.atomic():
            try:
                batch = import_preview(
                    kind=ImportBatch.Kind.ATTENDANCE,
                    region=region_obj,
                    name=path.name,
                    data=path.read_bytes(),
                    by=None,
                )
            except ImportFileError as exc:
                raise CommandError(str(exc)) from exc
            if batch.errors:
                for error in batch.errors:
                    self.stderr.write(f"第 {error['row']} 行：{'；'.join(error['errors'])}")
                raise CommandError(f"{len(batch.errors)} 行有错误，未导入任何记录。")
            if dry_run:
                self.stdout.write(f"检查通过：{len(batch.rows)} 条记录（未导入）。")
                transaction.set_rollback(True)
                return
            count = import_apply(batch=batch, by=None)
        self.stdout.write(self.style.SUCCESS(f"已导入 {count} 条考勤记录。"))
