"""The application's URLs plus baseline views, so both sides share one middleware stack."""

import json
import threading

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from lianfang import urls as lianfang_urls

_table_ready = False
_table_lock = threading.Lock()


def baseline(request: HttpRequest) -> HttpResponse:
    # Small JSON like an API answer, without authentication or queries: what the stack alone costs.
    return JsonResponse({"ok": True, "user": None})


@csrf_exempt
def baseline_insert(request: HttpRequest) -> HttpResponse:
    # A bare insert: parse the JSON, write one row, answer its id. No auth, validation or audit.
    global _table_ready
    data = json.loads(request.body)
    with connection.cursor() as cursor:
        with _table_lock:  # concurrent CREATE TABLE IF NOT EXISTS can fail on PostgreSQL
            if not _table_ready:
                key = "SERIAL PRIMARY KEY" if connection.vendor == "postgresql" else "INTEGER PRIMARY KEY"
                cursor.execute(f"CREATE TABLE IF NOT EXISTS bench_insert (id {key}, name TEXT, number TEXT)")
                _table_ready = True
        cursor.execute(
            "INSERT INTO bench_insert (name, number) VALUES (%s, %s) RETURNING id",
            [data["name"], data["document_number"]],
        )  # case-create sends these two keys too
        row_id = cursor.fetchone()[0]
    return JsonResponse({"id": row_id}, status=201)


_json_table_ready = False


@csrf_exempt
def baseline_insert_json(request: HttpRequest) -> HttpResponse:
    # A bare insert of a JSON submission as it came: parse it, write one row, answer its id.
    # No auth, no scope, no validation, no idempotency, no audit.
    global _json_table_ready
    data = json.loads(request.body)
    with connection.cursor() as cursor:
        with _table_lock:
            if not _json_table_ready:
                key = "SERIAL PRIMARY KEY" if connection.vendor == "postgresql" else "INTEGER PRIMARY KEY"
                cursor.execute(f"CREATE TABLE IF NOT EXISTS bench_submission (id {key}, body TEXT)")
                _json_table_ready = True
        cursor.execute("INSERT INTO bench_submission (body) VALUES (%s) RETURNING id", [json.dumps(data)])
        row_id = cursor.fetchone()[0]
    return JsonResponse({"id": row_id}, status=201)


MY_WORK_WHERE = """
    FROM cases_case c
    JOIN regions_region r ON r.id = c.region_id
    LEFT JOIN regions_department d ON d.id = c.owner_department_id
    LEFT JOIN regions_region dr ON dr.id = d.region_id
    WHERE c.is_closed = %(false)s AND r.code LIKE %(like)s AND (
        ((c.assignee_id = %(user)s
          OR (c.assignee_id IS NULL AND d.kind = 'subdistrict_office' AND dr.code LIKE %(like)s)
          OR (c.state = 'reported' AND c.owner_department_id IS NULL))
         AND c.state <> 'done')
        OR (c.state = 'done' AND (c.done_by_id IS NULL OR c.done_by_id <> %(user)s)))
"""
MY_WORK_COLUMNS = (
    "id", "kind", "title", "description", "state", "is_closed", "priority", "deadline", "region", "region_name",
    "unit", "unit_name", "person", "owner_department", "owner_department_name", "owner_unit", "owner_unit_name",
    "assignee", "assignee_name", "outcome", "created_at", "closed_at", "version",
)  # fmt: skip


def baseline_my_work(request: HttpRequest) -> HttpResponse:
    # The "my work" list of a subdistrict officer as one hand-written count and one page query,
    # with the same joins and order as the ORM's; no authentication, scoping code or serializer.
    params: dict[str, int | str | bool] = {
        "user": int(request.GET["user"]),
        "like": request.GET["prefix"] + "%",
        "false": False,
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) " + MY_WORK_WHERE, params)
        count = cursor.fetchone()[0]
        cursor.execute(
            "SELECT c.id, c.kind, c.title, c.description, c.state, c.is_closed, c.priority, c.deadline, r.code, "
            "r.name, c.unit_id, u.name, c.person_id, c.owner_department_id, d.name, c.owner_unit_id, ou.name, "
            "c.assignee_id, a.full_name, c.outcome, c.created_at, c.closed_at, c.version "
            + MY_WORK_WHERE.replace(
                "LEFT JOIN regions_region dr",
                "LEFT JOIN units_unit u ON u.id = c.unit_id LEFT JOIN units_unit ou ON ou.id = c.owner_unit_id "
                "LEFT JOIN accounts_user a ON a.id = c.assignee_id LEFT JOIN regions_region dr",
            )
            + " ORDER BY c.deadline IS NULL, c.deadline, c.priority DESC, c.id LIMIT 50",
            params,
        )
        rows = [dict(zip(MY_WORK_COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        for key in ("deadline", "created_at", "closed_at"):
            if row[key] is not None and not isinstance(row[key], str):
                row[key] = row[key].isoformat()
    return JsonResponse({"count": count, "results": rows})


COMPLETENESS_VALID = """
    s.duty = %(duty)s AND s.valid_from <= %(day)s AND (s.valid_until IS NULL OR s.valid_until >= %(day)s)
"""
COMPLETENESS_EXEMPT = """
    EXISTS (SELECT 1 FROM duties_dutyexemption e WHERE e.duty = s.duty AND e.subject_type = s.subject_type
            AND e.subject_id = s.subject_id AND e.starts_on <= %(day)s AND e.ends_on >= %(day)s)
"""


def baseline_completeness(request: HttpRequest) -> HttpResponse:
    # One day's completeness by subdistrict and its missing list as hand-written SQL: the roster
    # valid that day without the exempt, the current submissions by lateness, and the roster rows
    # without a submission; no authentication, scoping, rules or calendar.
    params = {"duty": request.GET["duty"], "day": request.GET["day"], "session": request.GET["session"]}
    totals = {"expected": 0, "on_time": 0, "late": 0, "missing": 0, "exempt": 0}
    by_region: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT substr(r.code, 1, 9), " + COMPLETENESS_EXEMPT + ", COUNT(*) FROM duties_dutysubject s"
            " JOIN regions_region r ON r.id = s.region_id WHERE " + COMPLETENESS_VALID + " GROUP BY 1, 2",
            params,
        )
        for subdistrict, exempt, n in cursor.fetchall():
            if exempt:
                totals["exempt"] += n
            else:
                totals["expected"] += n
                by_region[subdistrict.ljust(12, "0")] = by_region.get(subdistrict.ljust(12, "0"), 0) + n
        cursor.execute(
            "SELECT late, COUNT(*) FROM duties_submission WHERE duty = %(duty)s AND day = %(day)s"
            " AND session = %(session)s AND is_current AND event_id IS NULL GROUP BY late",
            params,
        )
        for late, n in cursor.fetchall():
            totals["late" if late else "on_time"] += n
        cursor.execute(
            "SELECT s.id, s.name, r.code, r.name FROM duties_dutysubject s JOIN regions_region r ON r.id = s.region_id"
            " WHERE " + COMPLETENESS_VALID + " AND NOT " + COMPLETENESS_EXEMPT + " AND NOT EXISTS (SELECT 1 FROM"
            " duties_submission x WHERE x.subject_id = s.id AND x.day = %(day)s AND x.session = %(session)s"
            " AND x.is_current AND x.event_id IS NULL) ORDER BY r.code, s.name, s.id",
            params,
        )
        missing = [{"subject": i, "name": n, "region": c, "region_name": rn} for i, n, c, rn in cursor.fetchall()]
    totals["missing"] = len(missing)
    return JsonResponse({"total": totals, "by_region": by_region, "missing": missing})


COVERAGE_SQL = """
    SELECT COALESCE(sh.team_id, tr.team_id), substr(r.code, 1, 9), s.subject_id, s.name, r.name,
           EXISTS (SELECT 1 FROM duties_submission x WHERE x.subject_id = s.id AND x.day = %(day)s
                   AND x.session = '' AND x.is_current AND x.event_id IS NULL)
    FROM duties_dutysubject s
    JOIN regions_region r ON r.id = s.region_id
    JOIN markets_shop sh ON sh.unit_id = s.subject_id
    LEFT JOIN (SELECT t.team_id, substr(rr.code, 1, 9) AS prefix FROM markets_team_regions t
               JOIN regions_region rr ON rr.id = t.region_id) tr ON tr.prefix = substr(r.code, 1, 9)
    WHERE s.duty = 'markets.daily_inspection' AND s.valid_from <= %(day)s
      AND (s.valid_until IS NULL OR s.valid_until >= %(day)s)
      AND NOT EXISTS (SELECT 1 FROM duties_dutyexemption e WHERE e.duty = s.duty AND e.subject_type = s.subject_type
                      AND e.subject_id = s.subject_id AND e.starts_on <= %(day)s AND e.ends_on >= %(day)s)
    ORDER BY r.code, s.name
"""


def baseline_coverage(request: HttpRequest) -> HttpResponse:
    # A day's coverage per team and subdistrict, and the shops not inspected, as one hand-written
    # query; no authentication, scoping, template or team resolution in Python.
    rows: dict[tuple[int, str], dict[str, object]] = {}
    due = done = 0
    with connection.cursor() as cursor:
        cursor.execute(COVERAGE_SQL, {"day": request.GET["day"]})
        for team, subdistrict, shop, name, community, inspected in cursor.fetchall():
            row = rows.setdefault((team, subdistrict), {"due": 0, "inspected": 0, "missing": []})
            row["due"] += 1  # type: ignore[operator]
            due += 1
            if inspected:
                row["inspected"] += 1  # type: ignore[operator]
                done += 1
            else:
                row["missing"].append([shop, name, community])  # type: ignore[attr-defined]
    return JsonResponse(
        {"due": due, "inspected": done, "rows": [{"team": t, "subdistrict": s, **r} for (t, s), r in rows.items()]}
    )


BULLETIN_SQL = {
    "markets.inspectors_out": """
        SELECT COALESCE(SUM(o.size), 0) FROM markets_round o WHERE o.day BETWEEN %(start)s AND %(end)s
        AND o.team_id IN (SELECT t.team_id FROM markets_team_regions t JOIN regions_region r ON r.id = t.region_id
                          WHERE r.code LIKE %(like)s)""",
    "markets.inspections": """
        SELECT COUNT(*) FROM markets_shopinspection s JOIN inspections_inspection i ON i.id = s.inspection_id
        JOIN regions_region r ON r.id = i.region_id WHERE s.day BETWEEN %(start)s AND %(end)s
        AND r.code LIKE %(like)s""",
    "markets.black_flag_shops": """
        SELECT COUNT(DISTINCT s.shop_id) FROM markets_shopinspection s JOIN inspections_inspection i
        ON i.id = s.inspection_id JOIN regions_region r ON r.id = i.region_id WHERE s.day BETWEEN %(start)s AND %(end)s
        AND s.outcome IN ('black', 'suspension') AND s.revoked_at IS NULL AND r.code LIKE %(like)s""",
    "markets.suspended_shops": """
        SELECT COUNT(DISTINCT s.shop_id) FROM markets_shopinspection s JOIN inspections_inspection i
        ON i.id = s.inspection_id JOIN regions_region r ON r.id = i.region_id WHERE s.day BETWEEN %(start)s AND %(end)s
        AND s.outcome = 'suspension' AND s.revoked_at IS NULL AND r.code LIKE %(like)s""",
    "markets.shops": """
        SELECT COUNT(*) FROM markets_shop s JOIN units_unit u ON u.id = s.unit_id JOIN regions_region r
        ON r.id = u.region_id WHERE s.state IN ('open', 'suspended') AND r.code LIKE %(like)s""",
}


def baseline_bulletin(request: HttpRequest) -> HttpResponse:
    # The markets section's figures for a period, district-wide, as hand-written aggregates: no
    # registry, scope, roll-ups or ORM.
    params = {"start": request.GET["from"], "end": request.GET["to"], "like": request.GET["prefix"] + "%"}
    values = {}
    with connection.cursor() as cursor:
        for key, sql in BULLETIN_SQL.items():
            cursor.execute(sql, params)
            values[key] = int(cursor.fetchone()[0])
    return JsonResponse(values)


def _period(request: HttpRequest) -> object:
    import datetime as dt

    from lianfang.core.figures.registry import Period

    return Period(dt.date.fromisoformat(request.GET["from"]), dt.date.fromisoformat(request.GET["to"]))


def our_bulletin_figures(request: HttpRequest) -> HttpResponse:
    # The bulletin's figure queries for the markets section, as bulletin_draft runs them.
    from lianfang.command.services import district, section_values
    from lianfang.core.figures.sections import all_sections

    sections = [s for s in all_sections() if s.practice == "markets"]
    at_district, _by_region = section_values(_period(request), district(), sections)  # type: ignore[arg-type]
    return JsonResponse({k: int(v.value or 0) for k, v in at_district.items()})


def _command_figures(request: HttpRequest, *, rolled: bool) -> HttpResponse:
    # The command view's additive figures (what the roll-ups hold) for the district and each region
    # under it: through the selectors, which read the roll-ups (rolled), or each figure recomputed
    # from its raw rows (the same numbers, live).
    from lianfang.core.figures.rollups import additive_figures
    from lianfang.core.figures.selectors import figure_values, figure_values_by_region
    from lianfang.core.regions.models import Region
    from lianfang.core.regions.scoping import Scope

    period = _period(request)
    root = Region.objects.get(parent__isnull=True)
    figures = additive_figures()
    keys = [f.key for f in figures]
    scope = Scope.everything()
    out: dict[str, list[str]] = {}
    if rolled:
        for v in figure_values(scope=scope, period=period, region=root, keys=keys):  # type: ignore[arg-type]
            out[v.figure.key] = [v.display]
        regions, by_region = figure_values_by_region(scope=scope, period=period, region=root, keys=keys)  # type: ignore[arg-type]
        for key, values in by_region.items():
            out[key] += [v.display for v in values]
    else:
        regions = list(Region.objects.filter(parent=root).order_by("code"))
        for f in figures:
            out[f.key] = [f.compute(period, r, scope).display for r in [root, *regions]]  # type: ignore[arg-type]
    return JsonResponse(out)


def our_command_rollups(request: HttpRequest) -> HttpResponse:
    return _command_figures(request, rolled=True)


def baseline_command_raw(request: HttpRequest) -> HttpResponse:
    return _command_figures(request, rolled=False)


urlpatterns = [
    path("bench/bulletin-sql/", baseline_bulletin, name="bench-bulletin-sql"),
    path("bench/bulletin-figures/", our_bulletin_figures, name="bench-bulletin-figures"),
    path("bench/command-rollups/", our_command_rollups, name="bench-command-rollups"),
    path("bench/command-raw/", baseline_command_raw, name="bench-command-raw"),
    path("bench/coverage-sql/", baseline_coverage, name="bench-coverage-sql"),
    path("bench/completeness-sql/", baseline_completeness, name="bench-completeness-sql"),
    path("bench/my-work-sql/", baseline_my_work, name="bench-my-work-sql"),
    path("bench/baseline/", baseline, name="bench-baseline"),
    path("bench/insert/", baseline_insert, name="bench-insert"),
    path("bench/insert-json/", baseline_insert_json, name="bench-insert-json"),
    *lianfang_urls.urlpatterns,
]
handler403 = lianfang_urls.handler403
