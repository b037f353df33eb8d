from django.urls import path

from . import views

app_name = "settlement"

urlpatterns = [
    path("", views.index, name="index"),
    path("reserve/", views.reserve, name="reserve"),
    path("lumpsum/<int:pk>/voorschotten/", views.advances, name="advances"),
    path("lumpsum/<int:pk>/voorschotten/betaling/", views.payment_record, name="payment_record"),
    path("betaling/<int:pk>/tegenboeken/", views.payment_reverse, name="payment_reverse"),
    path("lumpsum/<int:pk>/", views.grant_settlement, name="grant"),
    path("lumpsum/<int:pk>/opstellen/", views.settlement_draft, name="draft"),
    path("vaststelling/<int:pk>/", views.settlement_detail, name="settlement"),
    path("vaststelling/<int:pk>/voorleggen/", views.settlement_propose, name="propose"),
    path("vaststelling/<int:pk>/wijzigen/", views.settlement_amend, name="amend"),
]
