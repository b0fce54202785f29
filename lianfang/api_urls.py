"""/api/v1/: every app's API routes in one place."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from lianfang.core.accounts.api import TokenLoginView, TokenLogoutView
from lianfang.core.audit.api import AuditEventViewSet
from lianfang.core.cases.api import CaseViewSet
from lianfang.core.figures.api import FigureListView, FigureRowsView
from lianfang.core.files.api import FileUploadView
from lianfang.core.notices.api import NoticeViewSet, NotificationViewSet
from lianfang.core.people.api import PersonViewSet
from lianfang.core.regions.api import DepartmentViewSet, MeView, RegionViewSet
from lianfang.core.units.api import UnitViewSet
from lianfang.enterprises.api import ProblemViewSet, VisitViewSet
from lianfang.volunteers.api import ShiftViewSet, TaskViewSet, VolunteerViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
# JSON is the only format: no ".json" twin of every route for each request to walk past.
router.include_format_suffixes = False
router.register("regions", RegionViewSet, basename="region")
router.register("departments", DepartmentViewSet, basename="department")
router.register("audit", AuditEventViewSet, basename="audit")
router.register("people", PersonViewSet, basename="person")
router.register("units", UnitViewSet, basename="unit")
router.register("notices", NoticeViewSet, basename="notice")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("cases", CaseViewSet, basename="case")
router.register("volunteers", VolunteerViewSet, basename="volunteer")
router.register("volunteer-tasks", TaskViewSet, basename="volunteer-task")
router.register("volunteer-shifts", ShiftViewSet, basename="volunteer-shift")
router.register("enterprise-problems", ProblemViewSet, basename="enterprise-problem")
router.register("guidance-visits", VisitViewSet, basename="guidance-visit")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("figures/", FigureListView.as_view(), name="figures"),
    path("figures/<str:key>/rows/", FigureRowsView.as_view(), name="figure-rows"),
    path("files/", FileUploadView.as_view(), name="file-upload"),
    path("auth/token/", TokenLoginView.as_view(), name="token-login"),
    path("auth/token/revoke/", TokenLogoutView.as_view(), name="token-logout"),
    *router.urls,
]
