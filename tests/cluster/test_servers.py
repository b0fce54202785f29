"""Two app servers behind nginx keep nothing of their own: whichever answers, the user sees one system."""

from __future__ import annotations

import base64
import datetime as dt
import re
import uuid
import zoneinfo
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pyotp

from tests.cluster.site import Browser, Database, report_need, wait_for_replica
from tools.cluster import Layout

CENTRAL_ROAD = "410106002000"  # 中心路街道: zhongxin serves there
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_a_session_signed_in_on_one_server_works_on_the_other(cluster: Layout) -> None:
    browser = Browser(cluster, server=1).sign_in("zhongxin")
    assert browser.get("/cases/mine/").status_code == 200
    answer = browser.use(2).get("/cases/mine/")
    assert answer.status_code == 200, answer.headers.get("Location")
    assert "我的待办" in answer.text


def test_a_token_issued_by_one_server_works_on_the_other(cluster: Layout, token_for: Callable[[str], str]) -> None:
    browser = Browser(cluster, server=2)  # the token alone, as the phone app sends it (issued by server 1)
    browser.token = token_for("wangge")
    answer = browser.get("/api/v1/me/")
    assert answer.status_code == 200, answer.text
    assert answer.json()["username"] == "wangge"


def test_five_resends_of_one_report_split_between_the_servers_make_one_record(
    cluster: Layout, primary: Database, token_for: Callable[[str], str]
) -> None:
    client_id = uuid.uuid4()
    browsers = [Browser(cluster, server=1), Browser(cluster, server=2)]
    for browser in browsers:
        browser.token = token_for("zhongxin")

    def send(n: int) -> tuple[int, int]:
        answer = report_need(browsers[n % 2], client_id, CENTRAL_ROAD)
        return answer.status_code, answer.json()["id"]

    with ThreadPoolExecutor(max_workers=5) as pool:
        answers = list(pool.map(send, range(5)))
    assert sorted(code for code, _ in answers) == [200, 200, 200, 200, 201], answers
    assert len({case for _, case in answers}) == 1
    assert primary.value("SELECT count(*) FROM cases_case WHERE client_id = %s", client_id) == 1


def _admin_totp(primary: Database) -> str:
    key = primary.value(
        "SELECT d.key FROM otp_totp_totpdevice d JOIN accounts_user u ON u.id = d.user_id "
        "WHERE u.username = 'admin' AND d.confirmed"
    )
    return str(pyotp.TOTP(base64.b32encode(bytes.fromhex(key)).decode()).now())


def _set_valid_until(admin: Browser, membership: int, day: str) -> None:
    """Through the admin's change form, with every other field as the form shows it."""
    path = f"/admin/regions/membership/{membership}/change/"
    form = admin.get(path)
    assert form.status_code == 200, form.status_code
    fields = dict(re.findall(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', form.text))
    for select in re.finditer(r'<select[^>]*name="([^"]+)".*?</select>', form.text, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(0))
        fields[select.group(1)] = chosen.group(1) if chosen else ""
    fields = {k: v for k, v in fields.items() if not k.startswith("_")}
    for checkbox in re.findall(r'<input type="checkbox" name="([^"]+)"(?![^>]*checked)', form.text):
        fields.pop(checkbox, None)
    fields["valid_until"] = day
    saved = admin.post(path, data={**fields, "_save": "1"})
    assert saved.status_code == 302, re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', saved.text, re.S)


def test_a_membership_ended_on_one_server_is_in_force_on_the_other_at_its_next_request(
    cluster: Layout, primary: Database, token_for: Callable[[str], str]
) -> None:
    staff = Browser(cluster, server=2)
    staff.token = token_for("gongye")
    before = staff.get("/api/v1/cases/?limit=1")
    assert before.status_code == 200 and before.json()["count"] > 0
    membership = primary.value(
        "SELECT m.id FROM regions_membership m JOIN accounts_user u ON u.id = m.user_id "
        "WHERE u.username = 'gongye' AND m.valid_until IS NULL ORDER BY m.id LIMIT 1"
    )
    admin = Browser(cluster, server=1).sign_in("admin", totp=_admin_totp(primary))
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    _set_valid_until(admin, membership, yesterday)
    try:
        after = staff.get("/api/v1/cases/?limit=1")
        assert after.status_code in {200, 403}
        assert after.status_code == 403 or after.json()["count"] == 0, after.json()
    finally:
        _set_valid_until(admin, membership, "")
    again = staff.get("/api/v1/cases/?limit=1")
    assert again.status_code == 200 and again.json()["count"] == before.json()["count"]


def test_an_evidence_file_uploaded_through_one_server_is_served_by_the_other(
    cluster: Layout, token_for: Callable[[str], str]
) -> None:
    uploader = Browser(cluster, server=1)
    uploader.token = token_for("zhongxin")
    case = report_need(uploader, uuid.uuid4(), CENTRAL_ROAD, "楼道消杀记录").json()["id"]
    evidence = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + uuid.uuid4().hex.encode()
    sent = uploader.post(
        f"/api/v1/cases/{case}/attachments/",
        files={"file": ("消杀记录.pdf", evidence, "application/pdf")},
        data={"note": "现场照片"},
    )
    assert sent.status_code == 201, sent.text
    file_id = sent.json()["file_id"]
    served = uploader.use(2).get(f"/api/v1/cases/{case}/attachments/{file_id}/")
    assert served.status_code == 200, served.text
    assert served.content == evidence


def test_nginx_names_each_request_and_the_app_servers_log_that_name(cluster: Layout) -> None:
    answers = [Browser(cluster).get("/accounts/login/") for _ in range(4)]
    ids = [a.headers["X-Request-ID"] for a in answers]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids) and len(set(ids)) == 4
    logged = "".join(cluster.log(f"app{n}-access").read_text() for n in (1, 2))
    assert all(i in logged for i in ids)
    # Both app servers answered some of them.
    assert all(any(i in cluster.log(f"app{n}-access").read_text() for i in ids) for n in (1, 2))


def _a_household_and_a_day_without_a_visit(primary: Database) -> tuple[int, dt.date]:
    """A household of 中心路社区 (guanai's community) and a recent day on which nobody visited it."""
    for back in range(1, 4):
        day = _today() - dt.timedelta(days=back)
        starts = dt.datetime.combine(day, dt.time(), tzinfo=SHANGHAI)
        found = primary.value(
            "SELECT h.id FROM care_household h JOIN regions_region r ON r.id = h.region_id "
            "WHERE r.code = '410106002001' AND NOT EXISTS (SELECT 1 FROM care_visit v WHERE v.household_id = h.id "
            "AND v.reached AND v.visited_at >= %s AND v.visited_at < %s) ORDER BY h.id LIMIT 1",
            starts,
            starts + dt.timedelta(days=1),
        )
        if found is not None:
            return int(found), day
    raise AssertionError("every household of 中心路社区 was visited on each of the last three days")


def _today() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


def test_a_figure_read_through_the_replica_equals_the_primarys_once_it_has_caught_up(
    cluster: Layout, primary: Database, replica: Database, token_for: Callable[[str], str]
) -> None:
    commander, visitor = Browser(cluster, server=1), Browser(cluster, server=2)
    commander.token, visitor.token = token_for("zhihui"), token_for("guanai")
    household, day = _a_household_and_a_day_without_a_visit(primary)
    # A day already rolled up: the late visit marks it dirty, and it is counted live again.
    query = f"/api/v1/figures/?key=care.households_visited&from={day}&to={day}"

    def households_visited() -> int:
        answer = commander.get(query)
        assert answer.status_code == 200, answer.text
        (figure,) = answer.json()["figures"]
        return int(figure["value"])

    wait_for_replica(cluster)
    start = households_visited()
    replica.value("SELECT pg_wal_replay_pause()")
    try:
        visit = visitor.post(
            "/api/v1/visits/",
            json={"client_id": str(uuid.uuid4()), "household": household, "visited_at": f"{day} 10:00"},
        )
        assert visit.status_code == 201, visit.text
        # Read through the paused replica: the visit is on the primary, not yet in the figure.
        assert households_visited() == start
    finally:
        replica.value("SELECT pg_wal_replay_resume()")
    wait_for_replica(cluster)
    assert households_visited() == start + 1
