"""Sign-in, lockout, the second factor, recovery codes and API tokens."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.accounts.models import RecoveryCodeDevice, User
from lianfang.core.accounts.services import (
    one_time_password,
    password_reset_with_recovery_code,
    recovery_codes_issue,
    totp_reset,
    user_create,
)
from lianfang.core.audit.models import AuditEvent
from lianfang.core.regions.models import Membership, Role
from tests.world import PASSWORD, World, sign_in_with_second_factor

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def _code(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def test_passwords_are_hashed_with_argon2(world: World, settings: Any) -> None:
    settings.PASSWORD_HASHERS = django_settings.PASSWORD_HASHERS[1:]  # drop the tests' fast hasher
    user = user_create(
        actor=SystemActor("test"), username="newcomer", full_name="新人", password="river-lantern-2022-x"
    )
    assert identify_hasher(user.password).algorithm == "argon2"


@pytest.mark.parametrize("password", ["short-pw-1", "123456789012", "password1234"])
def test_it_rejects_a_short_numeric_or_common_password(world: World, password: str) -> None:
    with pytest.raises(ValidationError):
        user_create(actor=SystemActor("test"), username="newcomer", full_name="新人", password=password)
    assert not User.objects.filter(username="newcomer").exists()


def test_a_user_signs_in_through_the_login_page_and_the_sign_in_is_audited(world: World, client: Client) -> None:
    response = _login(client, "jiyuan", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    event = AuditEvent.objects.get(verb="auth.login", outcome="ok")
    assert event.actor_id == world["jiyuan"].pk and event.ip == "10.0.0.1"


def test_five_failed_sign_ins_lock_that_user_from_that_address_only(world: World) -> None:
    attacker = Client()
    for _ in range(4):
        assert _login(attacker, "commander", "wrong-password-x").status_code == 200
    assert _login(attacker, "commander", "wrong-password-x").status_code == 429
    # Even the right password is refused from that address now.
    assert _login(attacker, "commander", PASSWORD).status_code == 429
    # The commander, elsewhere, still signs in.
    assert _login(Client(), "commander", PASSWORD, ip="10.0.0.2").status_code == 302
    assert AuditEvent.objects.filter(verb="auth.login", outcome="failed").count() >= 5
    assert AuditEvent.objects.filter(verb="auth.lockout", actor_name="commander").exists()


def test_one_address_trying_many_accounts_is_locked_out_whatever_account_it_tries(world: World, settings: Any) -> None:
    settings.LIANFANG_LOCKOUT_PER_ADDRESS = 4
    # The commander signed in from this (office) address before.
    assert _login(Client(), "commander", PASSWORD).status_code == 302
    attacker = Client()
    for username in ("market", "jiyuan", "worker", "nobody"):
        # One guess per account: never the five failures that lock an account.
        assert _login(attacker, username, "wrong-password-x").status_code == 200
    assert _login(attacker, "auditor", "wrong-password-x").status_code == 429
    assert _login(attacker, "jiyuan", PASSWORD).status_code == 429
    # From elsewhere, the same accounts sign in.
    assert _login(Client(), "jiyuan", PASSWORD, ip="10.0.0.2").status_code == 302
    token = Client(REMOTE_ADDR="10.0.0.1").post(
        "/api/v1/auth/token/", {"username": "jiyuan", "password": PASSWORD}, content_type="application/json"
    )
    assert token.status_code in (403, 429) and "token" not in token.json()
    # One person at a shared address does not lock out those who work there.
    assert _login(Client(), "commander", PASSWORD).status_code == 302


def test_ipv6_addresses_of_one_slash_64_are_locked_out_together(world: World, settings: Any) -> None:
    settings.LIANFANG_LOCKOUT_PER_ADDRESS = 4
    for n, username in enumerate(("market", "jiyuan", "worker", "nobody"), start=1):
        # Each guess from another address of the same /64, as one subscriber may.
        assert _login(Client(), username, "wrong-password-x", ip=f"2001:db8:1:2::{n}").status_code == 200
    assert _login(Client(), "auditor", "wrong-password-x", ip="2001:db8:1:2:ffff::9").status_code == 429
    # Another /64, and an IPv4 address, are counted on their own.
    assert _login(Client(), "jiyuan", PASSWORD, ip="2001:db8:1:3::1").status_code == 302
    assert _login(Client(), "jiyuan", PASSWORD, ip="10.0.0.9").status_code == 302


def test_sessions_end_after_thirty_idle_minutes_with_safe_cookies(world: World, client: Client) -> None:
    assert django_settings.SESSION_COOKIE_AGE == 1800 and django_settings.SESSION_SAVE_EVERY_REQUEST
    _login(client, "jiyuan", PASSWORD)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and int(cookie["max-age"]) == 1800


def test_every_page_carries_a_content_security_policy(world: World, client: Client) -> None:
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy


@pytest.mark.parametrize("username", ["admin", "auditor"])
def test_administrators_and_auditors_must_pass_totp_before_anything_else(
    world: World, client: Client, username: str
) -> None:
    device = TOTPDevice.objects.create(user=world[username], name="phone", confirmed=True)
    client.force_login(world[username])
    response = client.get("/command/figures/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/")
    assert client.get("/api/v1/me/").status_code == 403
    assert (
        client.post("/accounts/otp/", {"token": "000000" if _code(device) != "000000" else "111111"}).status_code == 200
    )
    device.refresh_from_db()
    device.throttle_reset()  # django-otp makes the next try wait a second after a wrong code
    response = client.post("/accounts/otp/?next=/command/figures/", {"token": _code(device)})
    assert response.status_code == 302 and response["Location"] == "/command/figures/"
    assert client.get("/command/figures/").status_code == 200


def test_the_same_totp_code_cannot_be_used_twice(world: World) -> None:
    device = TOTPDevice.objects.create(user=world["auditor"], name="phone", confirmed=True)
    code = _code(device)
    assert device.verify_token(code)
    assert not device.verify_token(code)


def test_a_user_who_needs_totp_and_has_none_enrols_and_gets_recovery_codes(world: World, client: Client) -> None:
    client.force_login(world["auditor"])
    response = client.get("/accounts/otp/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/enrol/")
    page = client.get(response["Location"])
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=world["auditor"], confirmed=False)
    response = client.post("/accounts/otp/enrol/", {"token": _code(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/audit/").status_code == 200  # verified in this session


def test_a_recovery_code_passes_the_second_factor_once(world: World) -> None:
    TOTPDevice.objects.create(user=world["auditor"], name="phone", confirmed=True)
    codes = recovery_codes_issue(actor=SystemActor("test"), user=world["auditor"])
    first = Client()
    first.force_login(world["auditor"])
    assert first.post("/accounts/otp/", {"token": codes[0]}).status_code == 302
    second = Client()
    second.force_login(world["auditor"])
    assert second.post("/accounts/otp/", {"token": codes[0]}).status_code == 200  # spent
    for device in [*TOTPDevice.objects.all(), *RecoveryCodeDevice.objects.all()]:
        device.throttle_reset()  # a wrong code makes the next try wait
    assert second.post("/accounts/otp/", {"token": codes[1].lower()}).status_code == 302


def test_recovery_codes_are_not_stored_in_plain_text(world: World) -> None:
    codes = recovery_codes_issue(actor=SystemActor("test"), user=world["jiyuan"])
    from lianfang.core.accounts.models import RecoveryCode

    stored = set(RecoveryCode.objects.values_list("digest", flat=True))
    assert not any(code in d or code.replace("-", "") in d for code in codes for d in stored)


def test_a_forgotten_password_is_reset_with_a_recovery_code(world: World) -> None:
    codes = recovery_codes_issue(actor=SystemActor("test"), user=world["jiyuan"])
    with pytest.raises(ValidationError):
        password_reset_with_recovery_code(username="jiyuan", code="WRONG-CODE1", password="a-brand-new-secret-77")
    RecoveryCodeDevice.objects.get(user=world["jiyuan"]).throttle_reset()  # a wrong code makes the next try wait
    with pytest.raises(ValidationError):  # too short: the code is not spent on a bad password
        password_reset_with_recovery_code(username="jiyuan", code=codes[0], password="short")
    password_reset_with_recovery_code(username="jiyuan", code=codes[0], password="a-brand-new-secret-77")
    assert User.objects.get(username="jiyuan").check_password("a-brand-new-secret-77")
    with pytest.raises(ValidationError):
        password_reset_with_recovery_code(username="jiyuan", code=codes[0], password="another-new-secret-88")


def test_an_administrator_resets_a_users_authenticator(world: World) -> None:
    TOTPDevice.objects.create(user=world["auditor"], name="phone", confirmed=True)
    totp_reset(actor=world["admin"], user=world["auditor"])
    assert not TOTPDevice.objects.filter(user=world["auditor"]).exists()
    assert AuditEvent.objects.filter(verb="totp.reset", target_id=str(world["auditor"].pk)).exists()


def test_a_token_is_issued_to_a_session_and_stored_only_as_a_digest(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    response = client.post("/api/v1/auth/token/")
    assert response.status_code == 200
    token = response.json()["token"]
    stored = AuthToken.objects.get(user=world["jiyuan"])
    assert token not in stored.digest and len(stored.digest) == 128
    assert stored.expiry is not None
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me/").json()["username"] == "jiyuan"
    assert api.post("/api/v1/auth/token/revoke/").status_code == 204
    assert api.get("/api/v1/me/").status_code == 401


@pytest.mark.parametrize("username", ["admin", "auditor"])
def test_no_token_is_issued_to_administrators_or_auditors_even_after_totp(
    world: World, client: Client, username: str
) -> None:
    sign_in_with_second_factor(client, world[username])
    response = client.post("/api/v1/auth/token/")
    assert response.status_code == 403
    assert response.json()["message"]
    assert not AuthToken.objects.filter(user=world[username]).exists()


def test_an_anonymous_caller_gets_no_token(world: World, client: Client) -> None:
    assert client.post("/api/v1/auth/token/").status_code in (401, 403)
    assert AuthToken.objects.count() == 0


def test_the_recovery_page_shows_each_error_beside_its_field_and_resets_the_password(
    world: World, client: Client
) -> None:
    codes = recovery_codes_issue(actor=SystemActor("test"), user=world["jiyuan"])
    form = {"username": "jiyuan", "code": codes[0], "password1": "short", "password2": "short"}
    page = client.post("/accounts/recover/", form)
    assert page.status_code == 200 and page.context["form"].errors["password1"]
    form |= {"password1": "a-brand-new-secret-77", "password2": "a-brand-new-secret-77"}
    assert client.post("/accounts/recover/", form).status_code == 302
    assert _login(client, "jiyuan", "a-brand-new-secret-77").status_code == 302


def test_an_expired_token_is_refused_and_deleted(world: World) -> None:
    import datetime as dt

    instance, token = AuthToken.objects.create(user=world["jiyuan"], expiry=dt.timedelta(seconds=-1))
    assert Client(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/me/").status_code == 401
    assert not AuthToken.objects.filter(pk=instance.pk).exists()


def test_a_token_brings_its_user_without_the_password_hash_yet_every_field_still_reads(world: World) -> None:
    from rest_framework.test import APIRequestFactory

    from lianfang.core.accounts.auth import TokenAuthentication

    _instance, token = AuthToken.objects.create(user=world["jiyuan"])
    request = APIRequestFactory().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    user, _auth = TokenAuthentication().authenticate(request)  # type: ignore[misc]
    assert user == world["jiyuan"] and user.is_active and user.full_name == world["jiyuan"].full_name
    assert {"password", "last_login", "date_joined"} <= user.get_deferred_fields()
    assert user.date_joined == world["jiyuan"].date_joined  # loaded when asked for
    assert user.check_password(PASSWORD)


def test_behind_a_proxy_lockout_and_audit_use_the_address_the_proxy_saw(world: World, settings: Any) -> None:
    settings.PROXY_COUNT = 1
    attacker = Client()
    for _ in range(5):
        attacker.post(
            "/accounts/login/",
            {"username": "commander", "password": "wrong-password-x"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9",  # forged left part, the proxy's entry last
        )
    real = Client().post(
        "/accounts/login/",
        {"username": "commander", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert real.status_code == 302
    assert AuditEvent.objects.filter(verb="auth.login", outcome="ok").get().ip == "198.51.100.7"
    assert set(AuditEvent.objects.filter(outcome="failed").values_list("ip", flat=True)) == {"203.0.113.9"}


def test_new_recovery_codes_need_the_password_again(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    assert client.post("/accounts/recovery-codes/", {"password": "not-it"}).status_code == 400
    response = client.post("/accounts/recovery-codes/", {"password": PASSWORD})
    assert response.status_code == 200 and len(response.context["codes"]) == 10


def test_a_new_password_ends_every_api_token(world: World) -> None:
    from lianfang.core.accounts.services import user_set_password

    _, token = AuthToken.objects.create(user=world["jiyuan"])
    user_set_password(actor=world["admin"], user=world["jiyuan"], password="a-replacement-secret-9")
    assert Client(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/me/").status_code == 401


def test_the_session_gets_a_new_key_once_the_second_factor_is_passed(world: World, client: Client) -> None:
    device = TOTPDevice.objects.create(user=world["auditor"], name="phone", confirmed=True)
    client.force_login(world["auditor"])
    before = client.session.session_key
    assert client.post("/accounts/otp/", {"token": _code(device)}).status_code == 302
    assert client.session.session_key != before


def test_the_recovery_page_does_not_tell_which_user_names_exist(world: World, client: Client) -> None:
    form = {"code": "AAAAA-BBBBB", "password1": "short", "password2": "short"}
    known = client.post("/accounts/recover/", {**form, "username": "jiyuan"}).context["form"].errors
    unknown = client.post("/accounts/recover/", {**form, "username": "no-such-user"}).context["form"].errors
    assert known == unknown


def test_a_malformed_token_header_is_refused_not_a_server_error(world: World) -> None:
    for header in ["Token \xff\xfe", "Token abc def", "Token 0000\x00"]:
        assert Client(raise_request_exception=False, HTTP_AUTHORIZATION=header).get("/api/v1/me/").status_code == 401


def test_the_api_schema_is_served_to_signed_in_users_only(world: World, client: Client) -> None:
    assert client.get("/api/schema/").status_code in (401, 403)
    client.force_login(world["jiyuan"])
    assert client.get("/api/schema/").status_code == 200


def _with_one_time_password(world: World) -> tuple[User, str]:
    password = one_time_password()
    user = user_create(
        actor=SystemActor("test"), username="xiaoli", full_name="小李", password=password, must_change_password=True
    )
    Membership.objects.create(user=user, role=Role.FIELD_WORKER, region=world.jiyuan_a)
    return user, password


def test_a_one_time_password_must_be_replaced_before_any_page_or_api_call(world: World, client: Client) -> None:
    user, one_time = _with_one_time_password(world)
    signed_in = _login(client, "xiaoli", one_time)
    assert signed_in.status_code == 302
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].startswith("/accounts/password/first/?next=")
    for answer in (client.get("/api/v1/me/"), client.post("/api/v1/auth/token/")):
        assert answer.status_code == 403 and answer.json()["message"] and answer.json()["fields"] == {}
    page = "/accounts/password/first/?next=/cases/"
    assert client.get(page).status_code == 200
    same = client.post(page, {"password1": one_time, "password2": one_time})
    differ = client.post(page, {"password1": "lantern-river-2022", "password2": "lantern-river-2023"})
    assert same.status_code == differ.status_code == 200
    assert same.context["form"].errors["password1"] and differ.context["form"].errors["password2"]
    chosen = {"password1": "lantern-river-2022", "password2": "lantern-river-2022", "next": "/cases/"}
    changed = client.post(page, chosen)
    assert changed.status_code == 302 and changed["Location"] == "/cases/"
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("lantern-river-2022")
    # The session stays signed in under the new password; the one-time password no longer works.
    assert client.get("/").status_code == 200
    assert _login(Client(), "xiaoli", one_time).status_code == 200
    event = AuditEvent.objects.get(verb="password.change_first")
    assert event.actor == user and event.after == {"must_change_password": False}


def test_whoever_saw_a_one_time_password_cannot_enrol_an_authenticator_to_keep_the_account(
    world: World, client: Client
) -> None:
    # Enrolling hands out recovery codes, which reset the password: a field worker (who needs no
    # second factor) reaches no second-factor page before choosing a password.
    user, one_time = _with_one_time_password(world)
    _login(client, "xiaoli", one_time)
    for page in ("/accounts/otp/enrol/", "/accounts/otp/", "/accounts/recovery-codes/"):
        answer = client.get(page)
        assert answer.status_code == 302 and answer["Location"].startswith("/accounts/password/first/"), page
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_a_password_reset_with_a_recovery_code_counts_as_the_users_own(world: World) -> None:
    user, _one_time = _with_one_time_password(world)
    codes = recovery_codes_issue(actor=SystemActor("test"), user=user)
    password_reset_with_recovery_code(username="xiaoli", code=codes[0], password="lantern-river-2022")
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("lantern-river-2022")


def test_an_api_token_is_refused_to_an_account_with_a_one_time_password(world: World, client: Client) -> None:
    user, _one_time = _with_one_time_password(world)
    _, token = AuthToken.objects.create(user=user)
    answer = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert answer.status_code == 403 and answer.json()["message"]
