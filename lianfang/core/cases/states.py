"""The states of a case and the sides a user may be on, as stored values (the flows that move
cases between them are declared in workflow.py)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    VERIFIED = "verified", _("Verified")


class Side(models.TextChoices):
    """Who may take a transition, decided per case by permissions.py:
    - owner: whoever the case is assigned to (a person, or staff of the owning department or office);
    - dispatcher: staff who answer for the case's region (the subdistrict, or the district commander);
    - verifier: a dispatcher who did not do the work, when the kind asks for that."""

    OWNER = "owner", _("owner")
    DISPATCHER = "dispatcher", _("dispatcher")
    VERIFIER = "verifier", _("verifier")
