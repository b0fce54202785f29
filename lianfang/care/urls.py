from django.urls import path

from . import views

app_name = "care"
urlpatterns = [
    path("", views.index, name="index"),
    path("households/", views.households, name="households"),
    path("households/new/", views.household_new, name="household_new"),
    path("households/<int:pk>/", views.household, name="household"),
    path("households/<int:pk>/visit/", views.visit, name="visit"),
    path("households/<int:pk>/members/", views.member_add, name="member_add"),
    path("households/<int:pk>/tags/", views.tag_add, name="tag_add"),
    path("households/<int:pk>/tier/", views.household_raise, name="household_raise"),
    path("households/<int:pk>/orders/", views.order_new, name="order_new"),
    path("households/<int:pk>/relief/", views.relief_new, name="relief_new"),
    path("tags/<int:pk>/end/", views.tag_end, name="tag_end"),
    path("needs/<int:pk>/order/", views.need_follow, {"into": "order"}, name="need_order"),
    path("needs/<int:pk>/relief/", views.need_follow, {"into": "relief"}, name="need_relief"),
    path("orders/", views.order_list, name="orders"),
    path("orders/<int:pk>/", views.order, name="order"),
    path("orders/<int:pk>/<str:action>/", views.order_act, name="order_act"),
    path("orders/<int:pk>/files/<str:which>/", views.order_file, name="order_file"),
    path("relief/", views.relief_list, name="relief_list"),
    path("relief/ledger.xlsx", views.ledger, name="ledger"),
    path("relief/<int:pk>/", views.relief_detail, name="relief"),
    path("relief/<int:pk>/<str:action>/", views.relief_act, name="relief_act"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection_resolve"),
    path("payments/<int:pk>/reveal/", views.payment_reveal, name="payment_reveal"),
    path("notice/<str:code>/", views.public_notice, name="notice"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/spawn/", views.campaign_spawn, name="campaign_spawn"),
    path("day-care/", views.day_care, name="day_care"),
]
