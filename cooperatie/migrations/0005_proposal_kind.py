from django.db import migrations, models

KINDS = [("allocation", "verdeling van een lumpsum"), ("settlement", "vaststelling van een jaar"),
         ("targets", "streefwaarden van de indicatoren"), ("general", "algemeen besluit")]


class Migration(migrations.Migration):
    """Proposals get a kind; every proposal so far was about an allocation plan."""

    dependencies = [
        ("cooperatie", "0004_ended_on"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalproposal", name="kind",
            field=models.CharField(choices=KINDS, default="allocation", max_length=12,
                                   verbose_name="soort"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="proposal", name="kind",
            field=models.CharField(choices=KINDS, default="allocation", max_length=12,
                                   verbose_name="soort"),
            preserve_default=False,
        ),
    ]
