from django.urls import path

from . import views

app_name = "markets"
urlpatterns = [
    path("", views.index, name="index"),
    path("enrol/", views.enrol, name="enrol"),
    path("round/", views.round_page, name="round"),
    path("shops/", views.shops, name="shops"),
    path("shops/<int:pk>/", views.shop, name="shop"),
    path("shops/<int:pk>/inspect/", views.inspect, name="inspect"),
    path("shops/<int:pk>/closed-days/", views.shop_pause, name="shop_pause"),
    path("shops/<int:pk>/edit/", views.shop_edit, name="shop_edit"),
    path("inspections/<int:pk>/", views.inspection, name="inspection"),
    path("inspections/<int:pk>/photos/<uuid:file_id>/", views.inspection_photo, name="inspection_photo"),
    path("inspections/<int:pk>/review/", views.review_request, name="review_request"),
    path("notices/<int:pk>.docx", views.notice_document, {"fmt": "docx"}, name="notice_docx"),
    path("notices/<int:pk>.pdf", views.notice_document, {"fmt": "pdf"}, name="notice_pdf"),
    path("notices/<int:pk>/served/", views.notice_serve, name="notice_serve"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("coverage/", views.coverage, name="coverage"),
    path("checklists/", views.checklists, name="checklists"),
    path("teams/", views.teams, name="teams"),
    # Public: the flags of the district's shops, without an account.
    path("public/", views.public, name="public"),
]
