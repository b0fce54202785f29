from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from lianfang.core.api.params import page_filters

from .filters import audit_filters
from .labels import action_groups, record_types
from .models import Outcome
from .selectors import audit_accounts_matching, audit_event_search, sealing_lag

PAGE_SIZE = 50
# Accounts offered to narrow a search by name down to one person.
MATCHES_SHOWN = 10
# How a refused filter is named in the message that says so.
FIELD_LABELS = {
    "actor": _("Actor"),
    "verb": _("Action"),
    "outcome": _("Result"),
    "target_type": _("Record type"),
    "target_id": _("Record number"),
    "from": _("From"),
    "to": _("To"),
}


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log, newest first: what a person did, to which record, in which period.

    Those who may not read the log are refused before any filter is read; a filter that cannot be
    read is said and left out (page_filters), as on the other list pages."""
    filters = page_filters(request, partial(audit_filters, request.user), labels=FIELD_LABELS)
    events = audit_event_search(request.user, filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    anyone = query.copy()  # the same filters, whoever acted
    for key in ("actor", "person"):
        anyone.pop(key, None)
    matches = []
    if filters.person and filters.actor is None:
        matches = list(audit_accounts_matching(request.user, filters.person).order_by("username")[:MATCHES_SHOWN])
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "anyone": anyone.urlencode(),
        "matches": matches,
        "action_groups": action_groups(),
        "record_types": record_types(),
        "outcomes": Outcome.choices,
        "sealing": sealing_lag(),
    }
    return render(request, "audit/log.html", context)
