from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .models import Delivery, Kind, Notification
from .texts import describe


@login_required
def inbox(request):
    notifications = Notification.objects.filter(user=request.user).select_related("cooperative")
    page = Paginator(notifications, 50).get_page(request.GET.get("pagina"))
    rows = [(n, *describe(n.kind, n.params)) for n in page]
    return render(request, "notifications/inbox.html", {
        "rows": rows, "page": page,
        "unread": notifications.filter(read_at__isnull=True).count()})


@login_required
@require_POST
def mark_read(request):
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    services.mark_read(user=request.user, ids=ids)
    return redirect("notifications:inbox")


@login_required
def preferences(request):
    current = services.preferences_of(request.user)
    if request.method == "POST":
        valid = set(Delivery.values)
        for kind in Kind:
            chosen = request.POST.get(kind.value)
            if chosen in valid and chosen != current[kind]:
                services.preference_set(user=request.user, kind=kind, delivery=chosen,
                                        actor=request.user)
        messages.success(request, _("Uw keuzes zijn opgeslagen."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {
        "rows": [(kind, current[kind]) for kind in Kind], "choices": Delivery.choices})
