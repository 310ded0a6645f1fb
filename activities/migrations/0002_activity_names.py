import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_types_follow(apps, schema_editor):
    """Admin history and permissions point at content types: move the old ones to their new
    home so that nothing recorded under the old names is lost."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    renames = {
        ("actionplans", "activityreport"): ("activities", "activity"),
        ("actionplans", "historicalactivityreport"): ("activities", "historicalactivity"),
        ("actionplans", "indicatorvalue"): ("activities", "indicatorvalue"),
        ("actionplans", "historicalindicatorvalue"): ("activities", "historicalindicatorvalue"),
        ("actionplans", "attachment"): ("activities", "attachment"),
        ("municipalities", "kit"): ("kits", "kit"),
        ("municipalities", "copyblock"): ("kits", "copyblock"),
        ("municipalities", "kitasset"): ("kits", "kitasset"),
        ("municipalities", "kitadoption"): ("kits", "kitadoption"),
        ("municipalities", "historicalkitadoption"): ("kits", "historicalkitadoption"),
    }
    for (old_app, old_model), (new_app, new_model) in renames.items():
        if ContentType.objects.filter(app_label=new_app, model=new_model).exists():
            continue
        ContentType.objects.filter(app_label=old_app, model=old_model).update(
            app_label=new_app, model=new_model
        )


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0001_initial"),
        ("actionplans", "0005_activities_moved_to_activities_app"),
        ("kits", "0001_initial"),
        ("municipalities", "0004_kits_moved_to_kits_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0002_initial"),
        ("partners", "0002_invitation"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # SQLite rebuilds the table on a rename: the constraint must not name the old field.
        migrations.RemoveConstraint(
            model_name='indicatorvalue',
            name='one_value_per_indicator',
        ),
        migrations.RenameModel("ActivityReport", "Activity"),
        migrations.RenameModel("HistoricalActivityReport", "HistoricalActivity"),
        migrations.RenameField("indicatorvalue", "report", "activity"),
        migrations.RenameField("historicalindicatorvalue", "report", "activity"),
        migrations.RenameField("attachment", "report", "activity"),
        migrations.AlterField(
            model_name='activity',
            name='author',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='activities', to=settings.AUTH_USER_MODEL, verbose_name='auteur'),
        ),
        migrations.AlterField(
            model_name='activity',
            name='event',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='activities', to='events.event', verbose_name='événement'),
        ),
        migrations.AlterField(
            model_name='activity',
            name='measure',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='activities', to='actionplans.measure', verbose_name="moyen d'action"),
        ),
        migrations.AlterField(
            model_name='activity',
            name='municipalities',
            field=models.ManyToManyField(blank=True, related_name='activities', to='municipalities.municipality', verbose_name='municipalités touchées'),
        ),
        migrations.AlterField(
            model_name='activity',
            name='organisation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='activities', to='partners.organisation', verbose_name='organisation'),
        ),
        migrations.AlterField(
            model_name='activity',
            name='reviewed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='reviewed_activities', to=settings.AUTH_USER_MODEL, verbose_name='révisée par'),
        ),
        migrations.AddConstraint(
            model_name='indicatorvalue',
            constraint=models.UniqueConstraint(fields=('activity', 'indicator'), name='one_value_per_indicator'),
        ),
        migrations.RunPython(content_types_follow, migrations.RunPython.noop),
    ]
