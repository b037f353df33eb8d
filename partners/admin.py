from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Organisation, OrganisationRole


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "kvk_number"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "kvk_number"]


@admin.register(OrganisationRole)
class OrganisationRoleAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "organisation"]
    list_filter = ["role"]
    list_select_related = ["user", "organisation"]
