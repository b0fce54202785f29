"""Data migration: until now a task force covered every enterprise of its subdistrict implicitly;
the coverage is now a list the task force keeps. Existing task forces keep covering what they
covered (their region's enterprises), so that their instructors stay assignable."""

from django.db import migrations


def cover_region_enterprises(apps, schema_editor):
    TaskForce = apps.get_model("enterprises", "TaskForce")
    TaskForceEnterprise = apps.get_model("enterprises", "TaskForceEnterprise")
    Unit = apps.get_model("units", "Unit")
    for force in TaskForce.objects.select_related("region"):
        code = force.region.code
        prefix = code[:6] if code.endswith("000000") else code[:9] if code.endswith("000") else code
        units = Unit.objects.filter(region__code__startswith=prefix, profiles__kind="enterprise").distinct()
        TaskForceEnterprise.objects.bulk_create(
            [TaskForceEnterprise(task_force=force, unit=unit) for unit in units], ignore_conflicts=True
        )


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0002_task_force_enterprises"),
    ]

    operations = [
        migrations.RunPython(cover_region_enterprises, migrations.RunPython.noop),
    ]
