from django.contrib import admin

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "cooperative", "report", "year", "requested_by", "status", "progress",
                    "worker", "created_at", "expires_at"]
    list_filter = ["cooperative", "report", "status"]
    list_select_related = ["cooperative", "requested_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
