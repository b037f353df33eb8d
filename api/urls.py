from django.urls import path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse

from . import resources as r
from . import views

app_name = "api"


@extend_schema(exclude=True)
@api_view(["GET"])
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer])
def root(request):
    """Where to start: the schema, the documentation and your cooperatives."""
    return Response({name: reverse(f"api:{name}", request=request)
                     for name in ("schema", "docs", "cooperatives")})


PER_COOPERATIVE = [
    ("ledger-entries", r.LedgerEntries), ("budgets", r.Budgets),
    ("budget-lines", r.BudgetLines), ("periods", r.Periods),
    ("realisations", r.Realisations), ("realisation-lines", r.RealisationLines),
    ("grants", r.Grants), ("plans", r.Plans), ("decisions", r.Decisions),
    ("indicators", r.Indicators), ("measurements", r.Measurements),
]

urlpatterns = [
    path("", root, name="root"),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path("docs/", views.docs, name="docs"),
    path("cooperatives/", r.Cooperatives.as_view(), name="cooperatives"),
    *[path(f"cooperatives/<slug:code>/{name}/", view.as_view(), name=name)
      for name, view in PER_COOPERATIVE],
]
