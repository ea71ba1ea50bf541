# The team's sign-in rule moves from core to teams: the table is the same, renamed.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0013_worker_heartbeat'),
        ('teams', '0003_visit_check_in'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='TeamSignInPolicy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('require_second_factor', models.BooleanField(default=False, verbose_name='everyone in the team uses a code from an app to sign in')),
                        ('changed_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('changed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('team', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='teams.team')),
                    ],
                    options={'db_table': 'core_teamsigninpolicy'},
                ),
            ],
            database_operations=[],
        ),
        # Now the teams app's own table name (a rename; the rows stay).
        migrations.AlterModelTable(name='teamsigninpolicy', table=None),
    ]
