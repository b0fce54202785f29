from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Outcome
from .selectors import audit_event_list


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log page for auditors, newest first, filtered by action and outcome."""
    events = audit_event_list(request.user)
    verb = request.GET.get("verb", "").strip()
    outcome = request.GET.get("outcome", "")
    if verb:
        events = events.filter(verb__startswith=verb)
    if outcome in Outcome.values:
        events = events.filter(outcome=outcome)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request, "audit/log.html", {"page": page, "verb": verb, "outcome": outcome, "outcomes": Outcome.choices}
    )
