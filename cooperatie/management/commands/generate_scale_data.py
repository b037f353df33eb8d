import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from fixtures.scale import PRESETS, generate, spec_for, table_counts


class Command(BaseCommand):
    help = ("Genereert gegevens op landelijke schaal voor benchmarks: coöperaties, partners, "
            "buurten, teams, begrotingen met grootboek, inzet, metingen en een verdeling. "
            "Deterministisch per --seed; bestaande coöperaties worden overgeslagen.")

    def add_arguments(self, parser):
        parser.add_argument("--preset", choices=sorted(PRESETS),
                            help="national: ±40 coöperaties, 400 partners, 14.000 buurten, "
                                 "5 jaar; large: één grote coöperatie; quick: klein")
        parser.add_argument("--cooperatives", type=int, help="aantal coöperaties")
        parser.add_argument("--partners", type=int, help="aantal partners (totaal)")
        parser.add_argument("--neighbourhoods", type=int, help="aantal buurten (totaal)")
        parser.add_argument("--teams", type=int, help="aantal teams (totaal)")
        parser.add_argument("--years", type=int, help="aantal jaren (het laatste is open)")
        parser.add_argument("--last-year", type=int, dest="last_year",
                            help="jaar van de open begrotingsronde (standaard 2026)")
        parser.add_argument("--seed", type=int, help="startwaarde van het toeval")
        parser.add_argument("--prefix", help="begin van de codes van de coöperaties (standaard "
                                             "'s': s001, s002, …)")
        parser.add_argument("--force", action="store_true",
                            help="ook als DEBUG uit staat (nooit in productie)")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Schaalgegevens horen niet in productie: zet DEBUG=1 of gebruik "
                               "--force.")
        fields = ("cooperatives", "partners", "neighbourhoods", "teams", "years", "last_year",
                  "seed", "prefix")
        spec = spec_for(options["preset"], **{f: options[f] for f in fields})
        problems = [f"--{f.replace('_', '-')} moet minstens 1 zijn."
                    for f in ("cooperatives", "partners", "neighbourhoods", "years")
                    if getattr(spec, f) < 1]
        if spec.partners < 3 * spec.cooperatives:
            problems.append("Geef minstens 3 partners per coöperatie op.")
        if spec.neighbourhoods < spec.cooperatives:
            problems.append("Geef minstens 1 buurt per coöperatie op.")
        if not 2000 < spec.first_year <= spec.last_year <= 2100:
            problems.append("De jaren moeten tussen 2001 en 2100 liggen.")
        if not spec.prefix or not spec.prefix.isalnum() or len(spec.prefix) > 20:
            problems.append("--prefix: alleen letters en cijfers, hoogstens 20 tekens.")
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write(
            f"Genereren: {spec.cooperatives} coöperaties, {spec.partners} partners, "
            f"{spec.neighbourhoods} buurten, {spec.team_total} teams, jaren "
            f"{spec.first_year}–{spec.last_year}, seed {spec.seed}")
        # CPU time (user + system of this process) beside the wall time: on a shared machine
        # the wall time also holds the wait for a core (with PostgreSQL the server's work is not
        # in it).
        started, cpu = time.monotonic(), time.process_time()
        counts = generate(spec, log=lambda m: self.stdout.write(m))
        self.stdout.write(self.style.SUCCESS(
            f"Klaar in {time.monotonic() - started:.1f} s (processortijd van dit proces "
            f"{time.process_time() - cpu:.1f} s): {counts.cooperatives} coöperaties "
            f"gemaakt ({counts.skipped} overgeslagen), {counts.budget_lines} begrotingsregels, "
            f"{counts.ledger_entries} grootboekregels, {counts.staff_commitments} "
            f"beschikbaarheidsafspraken, {counts.measurements} metingen, "
            f"{counts.realisation_lines} realisatieregels."))
        if connection.vendor == "postgresql" and counts.cooperatives \
                and not connection.in_atomic_block:  # (a test's transaction: VACUUM cannot)
            self._vacuum_analyze()
        self.stdout.write("Rijen in de database:")
        for table, n in table_counts().items():
            self.stdout.write(f"  {table:<40} {n:>12,}".replace(",", "."))

    def _vacuum_analyze(self):
        """What autovacuum does to freshly loaded tables, at once: without it the planner knows
        nothing of the millions of rows just copied in and the pages measured right after
        generating run on guesses (and without the visibility map, no index-only scans)."""
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        self.stdout.write(f"VACUUM (ANALYZE) in {time.monotonic() - started:.1f} s")
