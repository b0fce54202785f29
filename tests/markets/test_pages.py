"""The markets' pages for the people who use them, and the public list without personal data."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from lianfang.markets.models import ShopInspection, SuspensionNotice
from lianfang.markets.states import Kind, Outcome, ShopState

from .conftest import MarketWorld

pytestmark = pytest.mark.django_db


def _post_inspection(client: Client, m: MarketWorld, shop_id: int, *failed: int, kind: str = "routine") -> Any:
    version = m.closure if kind == Kind.CLOSURE else m.epidemic
    data: dict[str, object] = {"client_id": str(uuid.uuid4()), "kind": kind, "inspectors": [str(m["a2"].pk)]}
    for item in version.items.all():
        data[f"item-{item.pk}"] = "fail" if item.position in failed else "pass"
    return client.post(f"/markets/shops/{shop_id}/inspect/", data)


def test_an_inspector_sees_the_teams_shops_and_records_a_black_flag_from_the_form(
    markets: MarketWorld, client: Client
) -> None:
    client.force_login(markets["a1"])
    home = client.get("/markets/").content.decode()
    assert "老王烩面馆" in home and "中心路包子铺" not in home
    page = client.get(f"/markets/shops/{markets.shops[0].pk}/inspect/")
    assert page.status_code == 200 and 'data-draft="inspect:' in page.content.decode()
    answer = _post_inspection(client, markets, markets.shops[0].pk, 3)
    row = ShopInspection.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/markets/inspections/{row.pk}/"
    assert row.outcome == Outcome.BLACK
    shown = client.get(answer["Location"]).content.decode()
    assert f'data-draft-done="inspect:{markets.shops[0].pk}:routine"' in shown


def test_a_refused_inspection_stays_on_the_form_with_the_reason(markets: MarketWorld, client: Client) -> None:
    client.force_login(markets["a1"])
    answer = client.post(
        f"/markets/shops/{markets.shops[0].pk}/inspect/",
        {"client_id": str(uuid.uuid4()), "kind": "routine", "inspectors": [str(markets["a2"].pk)]},
    )
    assert answer.status_code == 200 and not ShopInspection.objects.exists()
    assert "第1项" in answer.content.decode() or "Item 1" in answer.content.decode()


def test_the_suspension_notice_downloads_as_word(markets: MarketWorld, client: Client) -> None:
    markets.inspect(markets.shops[0], 1)
    notice = SuspensionNotice.objects.get()
    client.force_login(markets.world["market"])
    answer = client.get(f"/markets/notices/{notice.pk}.docx")
    assert answer.status_code == 200 and answer.content[:2] == b"PK"
    import io

    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(answer.content)).paragraphs)
    assert notice.code in text and "老王烩面馆" in text and "张贴场所码，进店人员扫码查验" in text
    assert "六十日内" in text and "六个月内" in text and "郑州市上街区市场监督管理局" in text


@pytest.mark.cjk_fonts
def test_the_suspension_notice_prints_as_a_pdf_in_chinese(markets: MarketWorld, client: Client, tmp_path: Path) -> None:
    import subprocess

    markets.inspect(markets.shops[0], 1)
    notice = SuspensionNotice.objects.get()
    client.force_login(markets.world["market"])
    answer = client.get(f"/markets/notices/{notice.pk}.pdf")
    assert answer.status_code == 200 and answer.content[:4] == b"%PDF"
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(answer.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "责令停业整改通知书" in text and notice.code.replace("〔", "").replace("〕", "")[:4] in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Noto-Serif-CJK-SC" in fonts


def test_the_public_list_shows_names_addresses_and_flags_and_no_personal_data(
    markets: MarketWorld, client: Client
) -> None:
    markets.inspect(markets.shops[0], 1)
    markets.inspect(markets.shops[1], 3)
    markets.inspect(markets.shops[2])
    assert markets.reload(markets.shops[0]).state == ShopState.SUSPENDED
    page = client.get("/markets/public/")  # no login
    assert page.status_code == 200
    text = page.content.decode()
    for name in ("老王烩面馆", "便民小超市", "豆腐坊"):
        assert name in text
    # No operator, inspector or certificate number appears (the page reads no such column).
    for private in ("经营者0", "经营者1", "检查员a1", "检查员a2", "410106000001", "410106000002"):
        assert private not in text
    assert "中心路包子铺" not in text  # never inspected: no flag


def test_the_bureau_edits_the_checklist_as_a_new_version(markets: MarketWorld, client: Client) -> None:
    before = markets.epidemic
    client.force_login(markets.world["market"])
    page = client.get("/markets/checklists/")
    assert page.status_code == 200
    data = {"key": "markets.epidemic", "note": "增加一米线"}
    for item in before.items.all():
        data[f"text-{item.position}"] = item.text
        if item.required:
            data[f"required-{item.position}"] = "1"
        if item.serious:
            data[f"serious-{item.position}"] = "1"
    data["text-8"] = "设置一米线"
    data["required-8"] = "1"
    client.post("/markets/checklists/", data)
    after = markets.epidemic
    assert after.number == before.number + 1 and after.items.count() == before.items.count() + 1
    client.force_login(markets["a1"])
    assert client.get("/markets/checklists/").status_code == 403


@pytest.mark.parametrize("who", ["a1", "market", "jiyuan", "commander"])
def test_each_role_opens_the_pages_it_is_offered(markets: MarketWorld, client: Client, who: str) -> None:
    user = markets.users.get(who) or markets.world[who]
    client.force_login(user)
    for url in ("/markets/", "/markets/shops/", f"/markets/shops/{markets.shops[0].pk}/", "/markets/coverage/"):
        assert client.get(url).status_code == 200, url


def test_a_notice_refused_before_a_witness_is_served_and_on_the_shops_timeline(
    markets: MarketWorld, client: Client
) -> None:
    markets.inspect(markets.shops[0], 1)
    notice = SuspensionNotice.objects.get()
    client.force_login(markets["a1"])
    client.post(f"/markets/notices/{notice.pk}/served/", {"served": "refused"})  # no witness: refused
    notice.refresh_from_db()
    assert notice.served == ""
    client.post(f"/markets/notices/{notice.pk}/served/", {"served": "refused", "witness": "社区网格员李四"})
    notice.refresh_from_db()
    assert notice.served == "refused" and notice.witness == "社区网格员李四"
    timeline = client.get(f"/markets/shops/{markets.shops[0].pk}/").content.decode()
    assert f"签发{notice.code}" in timeline and f"{notice.code}已送达" in timeline and "社区网格员李四" in timeline
