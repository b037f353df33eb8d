"""Advances paid, settlements, their keys and lines."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('budgets', '0009_ledger_settlement_kinds'),
        ('cooperatie', '0007_proposal_documents'),
        ('partners', '0002_staff_availability'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalAdvancePayment',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('paid_on', models.DateField(verbose_name='betaald op')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='bedrag')),
                ('reference', models.CharField(max_length=100, verbose_name='referentie bankafschrift')),
                ('note', models.TextField(blank=True, max_length=2000, verbose_name='toelichting')),
                ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='geboekt op')),
                ('reversal_reason', models.TextField(blank=True, max_length=2000, verbose_name='reden van de tegenboeking')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('cooperative', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cooperatie.cooperative', verbose_name='coöperatie')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('posting', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='budgets.ledgertransaction', verbose_name='boeking in het grootboek')),
                ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='geboekt door')),
                ('reversal', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='budgets.ledgertransaction', verbose_name='tegenboeking')),
                ('tranche', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='budgets.allocationtranche', verbose_name='voorschot')),
            ],
            options={
                'verbose_name': 'historical betaling van een voorschot',
                'verbose_name_plural': 'historical betalingen van voorschotten',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Settlement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveSmallIntegerField(verbose_name='versie')),
                ('status', models.CharField(choices=[('draft', 'concept'), ('proposed', 'voorgesteld'), ('adopted', 'vastgesteld'), ('rejected', 'verworpen'), ('superseded', 'vervangen')], default='draft', max_length=12, verbose_name='status')),
                ('surplus_partner', models.DecimalField(decimal_places=4, default=Decimal('100'), max_digits=7, verbose_name='overschot: blijft bij de partner (%)')),
                ('surplus_reserve', models.DecimalField(decimal_places=4, default=Decimal('0'), max_digits=7, verbose_name='overschot: naar de reserve (%)')),
                ('surplus_funder', models.DecimalField(decimal_places=4, default=Decimal('0'), max_digits=7, verbose_name='overschot: terug naar de financier (%)')),
                ('surplus_key', models.DecimalField(decimal_places=4, default=Decimal('0'), max_digits=7, verbose_name='overschot: herverdeeld naar de sleutel (%)')),
                ('deficit_partner', models.DecimalField(decimal_places=4, default=Decimal('100'), max_digits=7, verbose_name='tekort: gedragen door de partner (%)')),
                ('deficit_reserve', models.DecimalField(decimal_places=4, default=Decimal('0'), max_digits=7, verbose_name='tekort: gedragen door de reserve (%)')),
                ('deficit_key', models.DecimalField(decimal_places=4, default=Decimal('0'), max_digits=7, verbose_name='tekort: gedragen naar de sleutel (%)')),
                ('note', models.TextField(blank=True, max_length=4000, verbose_name='toelichting')),
                ('drafted_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='drafted_settlements', to=settings.AUTH_USER_MODEL, verbose_name='opgesteld door')),
                ('grant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='settlements', to='budgets.lumpsumgrant', verbose_name='lumpsum')),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='settlements', to='budgets.allocationplan', verbose_name='verdeling die wordt vastgesteld')),
                ('posting', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='settlement', to='budgets.ledgertransaction', verbose_name='boeking in het grootboek')),
                ('proposal', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='settlement', to='cooperatie.proposal', verbose_name='voorstel')),
                ('supersedes', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='superseded_by', to='settlement.settlement', verbose_name='vervangt')),
            ],
            options={
                'verbose_name': 'vaststelling',
                'verbose_name_plural': 'vaststellingen',
                'ordering': ['grant', '-version'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalSettlementLine',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('allocated', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='toegewezen')),
                ('realised', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='gerealiseerd')),
                ('kept', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='blijft bij de partner')),
                ('borne', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='gedragen door de partner')),
                ('to_reserve', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='naar de reserve')),
                ('from_reserve', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='uit de reserve')),
                ('to_funder', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='terug naar de financier')),
                ('to_key', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='naar de sleutel (overschot)')),
                ('deficit_to_key', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='naar de sleutel (tekort)')),
                ('key_received', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='ontvangen naar de sleutel')),
                ('key_borne', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='gedragen naar de sleutel')),
                ('settled', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='vastgesteld')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='partners.organisation', verbose_name='partner')),
                ('settlement', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='settlement.settlement', verbose_name='vaststelling')),
            ],
            options={
                'verbose_name': 'historical vaststelling per partner',
                'verbose_name_plural': 'historical vaststellingen per partner',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalSettlementKeyShare',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('percentage', models.DecimalField(decimal_places=4, max_digits=7, verbose_name='percentage')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='partners.organisation', verbose_name='partner')),
                ('settlement', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='settlement.settlement', verbose_name='vaststelling')),
            ],
            options={
                'verbose_name': 'historical aandeel in de sleutel van een vaststelling',
                'verbose_name_plural': 'historical aandelen in de sleutel van een vaststelling',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalSettlement',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('version', models.PositiveSmallIntegerField(verbose_name='versie')),
                ('status', models.CharField(choices=[('draft', 'concept'), ('proposed', 'voorgesteld'), ('adopted', 'vastgesteld'), ('rejected', 'verworpen'), ('superseded', 'vervangen')], default='draft', max_length=12, verbose_name='status')),
                ('surplus_partner', models.DecimalField(decimal_places=4, default=Decimal('100'), max_digits=7, verbose_name='overschot: blijft bij de partner (%)')),
                ('surplus_reserve', models.DecimalField(decimal_places=4, default=Decimal('0'), max_digits=7, verbose_name='overschot: naar de reserve (%)')),
                ('surplus_funder', models.DecimalField(decimal_places=4, default=Decimal('0'), max_digits=7, verbose_name='overschot: terug naar de financier (%)')),
                ('surplus_key', models.DecimalField(decimal_places=4, default=Decimal('0'), max_digits=7, verbose_name='overschot: herverdeeld naar de sleutel (%)')),
                ('deficit_partner', models.DecimalField(decimal_places=4, default=Decimal('100'), max_digits=7, verbose_name='tekort: gedragen door de partner (%)')),
                ('deficit_reserve', models.DecimalField(decimal_places=4, default=Decimal('0'), max_digits=7, verbose_name='tekort: gedragen door de reserve (%)')),
                ('deficit_key', models.DecimalField(decimal_places=4, default=Decimal('0'), max_digits=7, verbose_name='tekort: gedragen naar de sleutel (%)')),
                ('note', models.TextField(blank=True, max_length=4000, verbose_name='toelichting')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('drafted_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='opgesteld door')),
                ('grant', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='budgets.lumpsumgrant', verbose_name='lumpsum')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('plan', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='budgets.allocationplan', verbose_name='verdeling die wordt vastgesteld')),
                ('posting', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='budgets.ledgertransaction', verbose_name='boeking in het grootboek')),
                ('proposal', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cooperatie.proposal', verbose_name='voorstel')),
                ('supersedes', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='settlement.settlement', verbose_name='vervangt')),
            ],
            options={
                'verbose_name': 'historical vaststelling',
                'verbose_name_plural': 'historical vaststellingen',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='SettlementKeyShare',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('percentage', models.DecimalField(decimal_places=4, max_digits=7, verbose_name='percentage')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='settlement_key_shares', to='partners.organisation', verbose_name='partner')),
                ('settlement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='key_shares', to='settlement.settlement', verbose_name='vaststelling')),
            ],
            options={
                'verbose_name': 'aandeel in de sleutel van een vaststelling',
                'verbose_name_plural': 'aandelen in de sleutel van een vaststelling',
                'ordering': ['settlement', 'organisation__name'],
            },
        ),
        migrations.CreateModel(
            name='SettlementLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('allocated', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='toegewezen')),
                ('realised', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='gerealiseerd')),
                ('kept', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='blijft bij de partner')),
                ('borne', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='gedragen door de partner')),
                ('to_reserve', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='naar de reserve')),
                ('from_reserve', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='uit de reserve')),
                ('to_funder', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='terug naar de financier')),
                ('to_key', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='naar de sleutel (overschot)')),
                ('deficit_to_key', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='naar de sleutel (tekort)')),
                ('key_received', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='ontvangen naar de sleutel')),
                ('key_borne', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='gedragen naar de sleutel')),
                ('settled', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='vastgesteld')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='settlement_lines', to='partners.organisation', verbose_name='partner')),
                ('settlement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='settlement.settlement', verbose_name='vaststelling')),
            ],
            options={
                'verbose_name': 'vaststelling per partner',
                'verbose_name_plural': 'vaststellingen per partner',
                'ordering': ['settlement', 'organisation__name'],
            },
        ),
        migrations.CreateModel(
            name='AdvancePayment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('paid_on', models.DateField(verbose_name='betaald op')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='bedrag')),
                ('reference', models.CharField(max_length=100, verbose_name='referentie bankafschrift')),
                ('note', models.TextField(blank=True, max_length=2000, verbose_name='toelichting')),
                ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='geboekt op')),
                ('reversal_reason', models.TextField(blank=True, max_length=2000, verbose_name='reden van de tegenboeking')),
                ('cooperative', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='advance_payments', to='cooperatie.cooperative', verbose_name='coöperatie')),
                ('posting', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='advance_payment', to='budgets.ledgertransaction', verbose_name='boeking in het grootboek')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='recorded_payments', to=settings.AUTH_USER_MODEL, verbose_name='geboekt door')),
                ('reversal', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reversed_payment', to='budgets.ledgertransaction', verbose_name='tegenboeking')),
                ('tranche', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='budgets.allocationtranche', verbose_name='voorschot')),
            ],
            options={
                'verbose_name': 'betaling van een voorschot',
                'verbose_name_plural': 'betalingen van voorschotten',
                'ordering': ['paid_on', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='payment_amount_positive'), models.UniqueConstraint(condition=models.Q(('reversal__isnull', True)), fields=('cooperative', 'reference'), name='payment_reference_once', violation_error_message='Deze referentie van het bankafschrift is al geboekt.'), models.CheckConstraint(condition=models.Q(('reversal__isnull', True), models.Q(('reversal_reason', ''), _negated=True), _connector='OR'), name='payment_reversal_has_reason')],
            },
        ),
        migrations.AddConstraint(
            model_name='settlement',
            constraint=models.UniqueConstraint(fields=('grant', 'version'), name='settlement_version_unique'),
        ),
        migrations.AddConstraint(
            model_name='settlement',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['draft', 'proposed'])), fields=('grant',), name='settlement_one_open_per_grant', violation_error_message='Voor deze lumpsum is al een vaststelling in voorbereiding.'),
        ),
        migrations.AddConstraint(
            model_name='settlement',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'adopted')), fields=('grant',), name='settlement_one_adopted_per_grant'),
        ),
        migrations.AddConstraint(
            model_name='settlement',
            constraint=models.CheckConstraint(condition=models.Q(('version__gte', 1)), name='settlement_version_valid'),
        ),
        migrations.AddConstraint(
            model_name='settlement',
            constraint=models.CheckConstraint(condition=models.Q(('status', 'draft'), ('proposal__isnull', False), _connector='OR'), name='settlement_beyond_draft_has_a_proposal'),
        ),
        migrations.AddConstraint(
            model_name='settlement',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'adopted'), _negated=True), ('posting__isnull', False), _connector='OR'), name='settlement_adopted_is_posted'),
        ),
        migrations.AddConstraint(
            model_name='settlement',
            constraint=models.CheckConstraint(condition=models.Q(('deficit_key__gte', 0), ('deficit_key__lte', 100), ('deficit_partner__gte', 0), ('deficit_partner__lte', 100), ('deficit_reserve__gte', 0), ('deficit_reserve__lte', 100), ('surplus_funder__gte', 0), ('surplus_funder__lte', 100), ('surplus_key__gte', 0), ('surplus_key__lte', 100), ('surplus_partner__gte', 0), ('surplus_partner__lte', 100), ('surplus_reserve__gte', 0), ('surplus_reserve__lte', 100)), name='settlement_shares_are_percentages'),
        ),
        migrations.AddConstraint(
            model_name='settlementkeyshare',
            constraint=models.UniqueConstraint(fields=('settlement', 'organisation'), name='settlement_key_share_unique'),
        ),
        migrations.AddConstraint(
            model_name='settlementkeyshare',
            constraint=models.CheckConstraint(condition=models.Q(('percentage__gte', 0), ('percentage__lte', 100)), name='settlement_key_share_percentage'),
        ),
        migrations.AddConstraint(
            model_name='settlementline',
            constraint=models.UniqueConstraint(fields=('settlement', 'organisation'), name='settlement_line_unique'),
        ),
        migrations.AddConstraint(
            model_name='settlementline',
            constraint=models.CheckConstraint(condition=models.Q(('borne__gte', 0), ('deficit_to_key__gte', 0), ('from_reserve__gte', 0), ('kept__gte', 0), ('key_borne__gte', 0), ('key_received__gte', 0), ('to_funder__gte', 0), ('to_key__gte', 0), ('to_reserve__gte', 0)), name='settlement_line_parts_not_negative'),
        ),
    ]
