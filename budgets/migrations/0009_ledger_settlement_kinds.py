"""Ledger kinds of advances paid and settlements (choices only: no table is rebuilt)."""


from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('budgets', '0008_round_deadline'),
    ]

    operations = [
        migrations.AlterField(
            model_name='ledgerbalance',
            name='kind',
            field=models.CharField(choices=[('contribution', 'inbreng begroting'), ('in_kind', 'inbreng in natura (personeel)'), ('grant', 'lumpsum'), ('allocation', 'toewijzing'), ('realisation', 'realisatie'), ('in_kind_realised', 'inzet in natura gerealiseerd (personeel)'), ('advance', 'voorschot betaald'), ('settlement', 'vaststelling: verschil met de toewijzing'), ('reserve', 'reserve van de coöperatie'), ('refund', 'terug naar de financier')], max_length=20),
        ),
        migrations.AlterField(
            model_name='ledgerentry',
            name='kind',
            field=models.CharField(choices=[('contribution', 'inbreng begroting'), ('in_kind', 'inbreng in natura (personeel)'), ('grant', 'lumpsum'), ('allocation', 'toewijzing'), ('realisation', 'realisatie'), ('in_kind_realised', 'inzet in natura gerealiseerd (personeel)'), ('advance', 'voorschot betaald'), ('settlement', 'vaststelling: verschil met de toewijzing'), ('reserve', 'reserve van de coöperatie'), ('refund', 'terug naar de financier')], max_length=20, verbose_name='soort'),
        ),
        migrations.AlterField(
            model_name='ledgertransaction',
            name='kind',
            field=models.CharField(choices=[('budget', 'ingediende begroting'), ('allocation', 'toewijzing lumpsum'), ('reversal', 'tegenboeking'), ('realisation', 'ingediende realisatie'), ('payment', 'betaling van een voorschot'), ('settlement', 'vaststelling van een lumpsum')], max_length=20, verbose_name='soort'),
        ),
        migrations.AlterField(
            model_name='neighbourhoodbalance',
            name='kind',
            field=models.CharField(choices=[('contribution', 'inbreng begroting'), ('in_kind', 'inbreng in natura (personeel)'), ('grant', 'lumpsum'), ('allocation', 'toewijzing'), ('realisation', 'realisatie'), ('in_kind_realised', 'inzet in natura gerealiseerd (personeel)'), ('advance', 'voorschot betaald'), ('settlement', 'vaststelling: verschil met de toewijzing'), ('reserve', 'reserve van de coöperatie'), ('refund', 'terug naar de financier')], max_length=20),
        ),
    ]
