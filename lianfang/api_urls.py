"""/api/v1/: every app's API routes in one place."""

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter
from rest_framework.viewsets import ViewSetMixin

from lianfang.care.api import DoorVisitViewSet, HouseholdViewSet, ServiceOrderViewSet
from lianfang.core.accounts.api import TokenLoginView, TokenLogoutView
from lianfang.core.audit.api import AuditEventViewSet
from lianfang.core.cases.api import CaseViewSet
from lianfang.core.duties.api import DutyViewSet, ExemptionViewSet, SubmissionViewSet
from lianfang.core.figures.api import FigureListView, FigureRowsView
from lianfang.core.files.api import FileUploadView
from lianfang.core.notices.api import NoticeViewSet, NotificationViewSet
from lianfang.core.people.api import PendingRegistrationViewSet, PersonViewSet
from lianfang.core.regions.api import DepartmentViewSet, MeView, RegionViewSet
from lianfang.core.units.api import UnitViewSet
from lianfang.enterprises.api import ProblemViewSet, TaskForceViewSet, VisitViewSet
from lianfang.markets.api import ShopInspectionViewSet, ShopViewSet
from lianfang.volunteers.api import ShiftViewSet, TaskViewSet, VolunteerViewSet


def _routes(prefix: str, viewset: type[ViewSetMixin], basename: str) -> URLPattern | URLResolver:
    """A viewset's routes under its own prefix: resolving a path tries one plain prefix per
    viewset and then that viewset's few patterns, not every pattern of every viewset in turn."""
    router = SimpleRouter(trailing_slash=True)  # JSON only: no ".json" twins of the routes
    router.register("", viewset, basename=basename)
    return path(f"{prefix}/", include(router.urls))


# The busiest first: a path is matched against these in order.
_VIEWSETS: list[tuple[str, type[ViewSetMixin], str]] = [
    ("cases", CaseViewSet, "case"),
    ("people", PersonViewSet, "person"),
    ("pending-registrations", PendingRegistrationViewSet, "pending-registration"),
    ("units", UnitViewSet, "unit"),
    ("duty-submissions", SubmissionViewSet, "duty-submission"),
    ("duties", DutyViewSet, "duty"),
    ("duty-exemptions", ExemptionViewSet, "duty-exemption"),
    ("notifications", NotificationViewSet, "notification"),
    ("notices", NoticeViewSet, "notice"),
    ("volunteers", VolunteerViewSet, "volunteer"),
    ("volunteer-tasks", TaskViewSet, "volunteer-task"),
    ("volunteer-shifts", ShiftViewSet, "volunteer-shift"),
    ("enterprise-problems", ProblemViewSet, "enterprise-problem"),
    ("guidance-visits", VisitViewSet, "guidance-visit"),
    ("task-forces", TaskForceViewSet, "task-force"),
    ("shop-inspections", ShopInspectionViewSet, "shop-inspection"),
    ("shops", ShopViewSet, "shop"),
    ("visits", DoorVisitViewSet, "visit"),
    ("households", HouseholdViewSet, "household"),
    ("service-orders", ServiceOrderViewSet, "service-order"),
    ("regions", RegionViewSet, "region"),
    ("departments", DepartmentViewSet, "department"),
    ("audit", AuditEventViewSet, "audit"),
]

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("figures/", FigureListView.as_view(), name="figures"),
    path("figures/<str:key>/rows/", FigureRowsView.as_view(), name="figure-rows"),
    path("files/", FileUploadView.as_view(), name="file-upload"),
    path("auth/token/", TokenLoginView.as_view(), name="token-login"),
    path("auth/token/revoke/", TokenLogoutView.as_view(), name="token-logout"),
    *(_routes(prefix, viewset, basename) for prefix, viewset, basename in _VIEWSETS),
]
