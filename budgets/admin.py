from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import BudgetRound, FundingStream


@admin.register(FundingStream)
class FundingStreamAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "law", "taakveld", "cooperative"]
    list_filter = ["cooperative", "law"]


@admin.register(BudgetRound)
class BudgetRoundAdmin(SimpleHistoryAdmin):
    """Rounds open and close through the board's pages (and their services), so read-only."""

    list_display = ["cooperative", "year", "status"]
    list_filter = ["cooperative", "status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
