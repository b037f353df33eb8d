from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cooperatie.admin import AppendOnlyAdmin, ReadOnlyAdmin

from .models import (
    AllocationPlan,
    BudgetLine,
    BudgetRound,
    FundingStream,
    LedgerEntry,
    LedgerTransaction,
    LumpSumGrant,
    PartnerBudget,
)


@admin.register(FundingStream)
class FundingStreamAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "law", "taakveld", "cooperative"]
    list_filter = ["cooperative", "law"]


# Rounds, budgets, the ledger and allocations change through the board's and the directors'
# pages (and their services); the admin shows them.


@admin.register(BudgetRound)
class BudgetRoundAdmin(ReadOnlyAdmin):
    list_display = ["cooperative", "year", "status"]
    list_filter = ["cooperative", "status"]


@admin.register(PartnerBudget)
class PartnerBudgetAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "budget_round", "status", "version", "submitted_at"]
    list_filter = ["budget_round__cooperative", "status"]
    list_select_related = ["organisation", "budget_round__cooperative"]


@admin.register(BudgetLine)
class BudgetLineAdmin(ReadOnlyAdmin):
    list_display = ["budget", "neighbourhood", "funding_stream", "amount"]
    list_select_related = ["budget__organisation", "budget__budget_round__cooperative",
                           "neighbourhood", "funding_stream"]


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(AppendOnlyAdmin):
    list_display = ["pk", "cooperative", "year", "kind", "description", "posted_by", "posted_at"]
    list_filter = ["cooperative", "kind", "year"]
    list_select_related = ["cooperative", "posted_by"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(AppendOnlyAdmin):
    list_display = ["pk", "transaction_id", "kind", "organisation", "neighbourhood",
                    "funding_stream", "amount"]
    list_filter = ["cooperative", "kind", "year"]
    list_select_related = ["organisation", "neighbourhood", "funding_stream"]


@admin.register(LumpSumGrant)
class LumpSumGrantAdmin(ReadOnlyAdmin):
    list_display = ["pk", "cooperative", "year", "funder_name", "amount", "funding_stream"]
    list_filter = ["cooperative", "year"]


@admin.register(AllocationPlan)
class AllocationPlanAdmin(ReadOnlyAdmin):
    list_display = ["grant", "version", "status", "method", "schedule", "drafted_by"]
    list_filter = ["status"]
    list_select_related = ["grant__funder", "drafted_by"]
