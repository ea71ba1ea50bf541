# The team's sign-in rule now lives in teams (teams 0004 took over the table).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0015_larger_text'),
        ('teams', '0004_team_sign_in_policy_from_core'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='TeamSignInPolicy')],
            database_operations=[],
        ),
    ]
