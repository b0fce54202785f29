"""The bulletin (上街信息): drafted from the practices' sections, numbered per year, figures bound as
tokens an editor may move or delete but not retype, signed (签发) by a second person, frozen once
published, and written as DOCX, PDF and HTML."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from lianfang.command import documents
from lianfang.command.models import Bulletin
from lianfang.command.selectors import bulletin_figure_rows, figure_changes
from lianfang.command.services import bulletin_draft, bulletin_edit, bulletin_return, bulletin_sign, bulletin_submit
from lianfang.command.states import BulletinState
from lianfang.command.text import hand_numbers, marker, plain
from lianfang.core.accounts.actors import SystemActor
from lianfang.core.audit.models import AuditEvent
from lianfang.core.edits import VersionConflict
from lianfang.core.figures.registry import Period, registry
from lianfang.core.figures.wording import Style, placeholders, written
from lianfang.core.regions.models import Department, DepartmentKind, Membership, Role
from lianfang.core.regions.scoping import Scope
from tests.markets.conftest import MarketWorld, build_markets
from tests.world import World, make_user

MASKS = 3


@pytest.fixture
def office(world: World) -> dict[str, Any]:
    """区委办 with its editor and a second person who signs."""
    qwb = Department.objects.create(code="qwb", name="区委办", kind=DepartmentKind.BUREAU, region=world.district)
    users = {}
    for name in ("editor", "signer"):
        users[name] = make_user(name, full_name={"editor": "林编辑", "signer": "韩主任"}[name])
        Membership.objects.create(user=users[name], role=Role.DEPARTMENT_STAFF, region=world.district, department=qwb)
    return users


@pytest.fixture
def markets(world: World) -> MarketWorld:
    return build_markets(world)


def _week(markets: MarketWorld) -> Period:
    """Three inspections in the last week: one black flag, two passes."""
    now = timezone.now()
    markets.inspect(markets.shops[0], MASKS, inspected_at=now - dt.timedelta(days=3))
    markets.inspect(markets.shops[1], inspected_at=now - dt.timedelta(days=3))
    markets.inspect(markets.shops[2], inspected_at=now - dt.timedelta(days=2))
    today = timezone.localdate()
    return Period(today - dt.timedelta(days=6), today - dt.timedelta(days=1))


def _draft(office: dict[str, Any], period: Period, **more: Any) -> Bulletin:
    return bulletin_draft(actor=office["editor"], start=period.start, end=period.end, **more)


# The wording ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "style", "words"),
    [
        (760, "plain", "760"),
        (Decimal("517.00"), "plain", "517"),
        (Decimal("0.34"), "plain", "0.34"),
        (163, "approx", "160余"),
        (160, "approx", "160"),
        (3012, "approx", "3000余"),
        (110, "approx:1", "100余"),
        (45, "approx", "45"),
        (18000, "wan", "1.8万"),
        (12132, "wan", "1.2万"),
        (9000, "wan", "9000"),
        (None, "plain", "—"),
    ],
)
def test_figures_are_written_as_the_seed_writes_them(value: Any, style: str, words: str) -> None:
    assert written(value, Style.parse(style)) == words


def test_a_template_names_its_figures_with_their_styles() -> None:
    found = placeholders("共组织{下沉|approx}名、{志愿者}名，{帮助|approx:1}人，{学生|wan}名")
    assert [(n, s.code) for n, s in found] == [
        ("下沉", "approx"),
        ("志愿者", "plain"),
        ("帮助", "approx:1"),
        ("学生", "wan"),
    ]
    with pytest.raises(ValueError, match="unknown figure style"):
        Style.parse("rounded")


def test_numbers_typed_by_hand_are_found_but_not_dates_issues_or_tokens() -> None:
    text = f"截至1月14日，第2期，2022年，检查{marker('760', 1)}人次，另有12家、３户和1.5万元"
    found = hand_numbers(text)
    assert len(found) == 3
    assert "12家" in found[0] and "３户" in found[1] and "1.5万" in found[2]
    assert plain(text).startswith("截至1月14日，第2期，2022年，检查760人次")


# Drafting ---------------------------------------------------------------------------------------


def test_a_draft_has_a_section_for_each_unit_with_work_and_its_figures_bound(
    markets: MarketWorld, office: dict[str, Any], world: World
) -> None:
    period = _week(markets)
    issue = _draft(office, period, issued_on=period.end)
    assert (issue.year, issue.number, issue.state) == (period.end.year, 1, BulletinState.DRAFT)
    assert issue.office == "中共上街区委办公室" and issue.editor_note
    sections = list(issue.sections.all())
    # Only the markets had work in the period: no section of zeros for the others.
    assert [s.practice for s in sections] == ["markets"]
    (section,) = sections
    assert section.unit == "区市场监管局" and "红黑旗" in section.headline
    text = plain(section.text)
    assert "检查商户3家次" in text and "发放黑旗商户1家" in text
    figures = {f.key: f for f in issue.figures.all()}
    assert figures["markets.inspections"].value == 3 and figures["markets.inspections"].region == world.district
    assert (figures["markets.inspections"].period_start, figures["markets.inspections"].period_end) == (
        period.start,
        period.end,
    )
    # Every bound figure equals the figure computed now for its key, period and region.
    for f in figures.values():
        value = registry.figures[f.key].compute(period, f.region, Scope.everything()).value
        assert f.value == (None if value is None else Decimal(value)), f.key
    assert AuditEvent.objects.filter(verb="bulletin.draft", actor=office["editor"]).count() == 1


def test_issues_are_numbered_within_the_year_of_their_date(markets: MarketWorld, office: dict[str, Any]) -> None:
    period = _week(markets)
    first = _draft(office, period, issued_on="2026-03-01")
    second = _draft(office, period, issued_on="2026-03-08")
    next_year = _draft(office, period, issued_on="2027-01-05")
    assert [(b.year, b.number) for b in (first, second, next_year)] == [(2026, 1), (2026, 2), (2027, 1)]
    assert str(second) == "2026年第2期"


def test_a_subdistrict_section_is_written_once_for_each_subdistrict_with_work(
    office: dict[str, Any], world: World
) -> None:
    from lianfang.core.figures.sections import all_sections

    care = next(s for s in all_sections() if s.practice == "care")
    assert care.by_region and "{region}" in care.headline
    enterprises = next(s for s in all_sections() if s.practice == "enterprises")
    assert enterprises.unit == "{region}"
    # With no work anywhere, no section at all.
    issue = _draft(office, Period(dt.date(2022, 1, 1), dt.date(2022, 1, 14)))
    assert not issue.sections.exists() and not issue.figures.exists()


def test_only_the_bulletin_office_and_the_commander_draft(world: World, office: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        bulletin_draft(actor=world["market"], start="2022-01-01", end="2022-01-14")
    assert AuditEvent.objects.filter(verb="bulletin.draft", outcome="denied").exists()
    assert bulletin_draft(actor=world["commander"], start="2022-01-01", end="2022-01-14").number == 1


def test_a_bad_period_is_refused_naming_the_field(office: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        bulletin_draft(actor=office["editor"], start="2022-01-14", end="2022-01-01")
    assert "to" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        bulletin_draft(actor=office["editor"], start="2022-13-01", end="2022-01-01")
    assert "from" in refused.value.message_dict
    assert not Bulletin.objects.exists()


# Editing ----------------------------------------------------------------------------------------


def _edit(issue: Bulletin, actor: Any, **changes: Any) -> Bulletin:
    issue.refresh_from_db()
    sections = {s.pk: {"headline": s.headline, "text": s.text} for s in issue.sections.all()}
    sections.update(changes.pop("sections", {}))
    values = {"title": issue.title, "editor_note": issue.editor_note, "issued_on": issue.issued_on, **changes}
    return bulletin_edit(actor=actor, bulletin=issue, version=issue.version, sections=sections, **values)


def test_an_editor_may_move_or_delete_a_figure_but_not_retype_it(markets: MarketWorld, office: dict[str, Any]) -> None:
    issue = _draft(office, _week(markets))
    section = issue.sections.get()
    token = issue.figures.get(key="markets.inspections")
    bound = marker(token.words, token.token)
    retyped = section.text.replace(bound, marker("30", token.token))
    with pytest.raises(ValidationError) as refused:
        _edit(issue, office["editor"], sections={section.pk: {"headline": section.headline, "text": retyped}})
    (message,) = refused.value.message_dict[f"section-{section.pk}-text"]
    assert "第1节" in message and "“3”" in message and "“30”" in message
    broken = section.text.replace(bound, bound[:-1])
    with pytest.raises(ValidationError):
        _edit(issue, office["editor"], sections={section.pk: {"headline": section.headline, "text": broken}})
    unknown = section.text + marker("9", 99)
    with pytest.raises(ValidationError, match="#99"):
        _edit(issue, office["editor"], sections={section.pk: {"headline": section.headline, "text": unknown}})
    # Moving the figure to the front and deleting another is an edit like any other.
    black = issue.figures.get(key="markets.black_flag_shops")
    moved = bound + "；" + section.text.replace(bound, "").replace(marker(black.words, black.token), "")
    edited = _edit(
        issue, office["editor"], title="新标题", sections={section.pk: {"headline": "新的标题", "text": moved}}
    )
    assert edited.title == "新标题" and edited.sections.get().text.startswith(bound)
    assert list(edited.edited_by.all()) == [office["editor"]]


def test_a_stale_edit_is_refused(markets: MarketWorld, office: dict[str, Any]) -> None:
    issue = _draft(office, _week(markets))
    stale = issue.version
    _edit(issue, office["editor"], title="一")
    with pytest.raises(VersionConflict):
        bulletin_edit(
            actor=office["editor"],
            bulletin=issue,
            version=stale,
            title="二",
            editor_note="",
            issued_on=issue.issued_on,
            sections={},
        )


def test_a_section_may_be_removed_and_the_date_stays_in_the_issues_year(
    markets: MarketWorld, office: dict[str, Any]
) -> None:
    issue = _draft(office, _week(markets), issued_on="2026-05-01")
    section = issue.sections.get()
    with pytest.raises(ValidationError) as refused:
        _edit(issue, office["editor"], issued_on="2027-01-02")
    assert "issued_on" in refused.value.message_dict
    _edit(issue, office["editor"], sections={section.pk: {"remove": True}})
    assert not issue.sections.exists()


# Signing ----------------------------------------------------------------------------------------


def test_publishing_needs_a_second_person(markets: MarketWorld, office: dict[str, Any], world: World) -> None:
    issue = _draft(office, _week(markets))
    bulletin_submit(actor=office["editor"], bulletin=issue)
    with pytest.raises(PermissionDenied, match="第二人"):
        bulletin_sign(actor=office["editor"], bulletin=issue)
    # A non-editor cannot sign either.
    with pytest.raises(PermissionDenied):
        bulletin_sign(actor=world["market"], bulletin=issue)
    signed = bulletin_sign(actor=office["signer"], bulletin=issue)
    assert signed.state == BulletinState.PUBLISHED and signed.signed_by == office["signer"] and signed.published_at
    with pytest.raises(ValidationError):
        _edit(signed, office["signer"], title="改")


def test_an_editor_who_edited_may_not_sign_but_the_commander_may(
    markets: MarketWorld, office: dict[str, Any], world: World
) -> None:
    issue = _draft(office, _week(markets))
    _edit(issue, office["signer"], title="由签发人改过")
    bulletin_submit(actor=office["editor"], bulletin=issue)
    with pytest.raises(PermissionDenied):
        bulletin_sign(actor=office["signer"], bulletin=issue)
    bulletin_return(actor=office["editor"], bulletin=issue, note="请主任之外的人签发")
    bulletin_submit(actor=office["editor"], bulletin=issue)
    assert bulletin_sign(actor=world["commander"], bulletin=issue).state == BulletinState.PUBLISHED


def test_a_number_typed_by_hand_is_flagged_and_confirmed_at_signing(
    markets: MarketWorld, office: dict[str, Any]
) -> None:
    issue = _draft(office, _week(markets))
    section = issue.sections.get()
    _edit(
        issue,
        office["editor"],
        sections={section.pk: {"headline": section.headline, "text": section.text + "另查处7家。"}},
    )
    bulletin_submit(actor=office["editor"], bulletin=issue)
    with pytest.raises(ValidationError) as refused:
        bulletin_sign(actor=office["signer"], bulletin=issue)
    assert "confirm_hand_numbers" in refused.value.message_dict
    signed = bulletin_sign(actor=office["signer"], bulletin=issue, confirm_hand_numbers=True)
    assert signed.hand_numbers and "7家" in signed.hand_numbers[0]


def test_a_published_issue_keeps_its_values_and_shows_what_has_changed_since(
    markets: MarketWorld, office: dict[str, Any]
) -> None:
    period = _week(markets)
    issue = _draft(office, period)
    bulletin_submit(actor=office["editor"], bulletin=issue)
    bulletin_sign(actor=office["signer"], bulletin=issue)
    assert figure_changes(issue) == {}
    # A late inspection of a day in the period.
    markets.inspect(markets.shops[2], inspected_at=timezone.now() - dt.timedelta(days=4))
    issue = Bulletin.objects.get(pk=issue.pk)
    assert "检查商户3家次" in plain(issue.sections.get().text)
    changes = figure_changes(issue)
    token = issue.figures.get(key="markets.inspections")
    assert changes[token.token].words_now == "4" and token.value == 3


def test_the_rows_behind_a_figure_are_listed_to_the_editor_at_the_district_scope(
    markets: MarketWorld, office: dict[str, Any]
) -> None:
    issue = _draft(office, _week(markets))
    token = issue.figures.get(key="markets.inspections")
    found = bulletin_figure_rows(office["editor"], issue, token.token)
    assert found is not None and found.listed and found.drill.rows.count() == token.value == 3


def test_the_rows_behind_a_sensitive_figure_are_only_counted_for_an_editor_without_a_sensitive_grant(
    office: dict[str, Any], world: World
) -> None:
    from lianfang.command.models import BulletinFigure

    issue = _draft(office, Period(dt.date(2022, 1, 1), dt.date(2022, 1, 14)))
    BulletinFigure.objects.create(
        bulletin=issue, token=1, key="care.people_helped", label="帮助困难群众", period_start=issue.period_start,
        period_end=issue.period_end, region=world.district, value=0, words="0",
    )  # fmt: skip
    found = bulletin_figure_rows(office["editor"], Bulletin.objects.get(pk=issue.pk), 1)
    assert found is not None and not found.listed
    assert bulletin_figure_rows(world["commander"], Bulletin.objects.get(pk=issue.pk), 1).listed  # type: ignore[union-attr]


# Documents --------------------------------------------------------------------------------------


def test_the_docx_has_the_red_masthead_the_official_page_and_east_asian_fonts(
    markets: MarketWorld, office: dict[str, Any]
) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    issue = _draft(office, _week(markets), issued_on="2026-11-30")
    # A draft says so above its masthead: it must not pass for the issue.
    draft = Document(io.BytesIO(documents.bulletin_docx(issue)))
    assert draft.paragraphs[0].text.startswith("草稿") and draft.paragraphs[1].text == "上街信息"
    bulletin_submit(actor=office["editor"], bulletin=issue)
    issue = bulletin_sign(actor=office["signer"], bulletin=issue)
    doc = Document(io.BytesIO(documents.bulletin_docx(issue)))
    section = doc.sections[0]
    sizes = [section.page_width, section.page_height, section.top_margin, section.left_margin]
    assert [round(s.mm) if s is not None else None for s in sizes] == [210, 297, 37, 28]
    masthead = doc.paragraphs[0]
    assert masthead.text == "上街信息"
    assert str(masthead.runs[0].font.color.rgb) == "FF0000"
    texts = [p.text for p in doc.paragraphs]
    assert "第1期" in texts and "中共上街区委办公室\t2026年11月30日" in texts
    fonts = {r._element.xpath("./w:rPr/w:rFonts/@w:eastAsia")[0] for p in doc.paragraphs for r in p.runs if r.text}
    assert {"方正小标宋简体", "仿宋_GB2312", "楷体_GB2312", "黑体"} <= fonts
    normal = doc.styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312" and normal.font.size.pt == 16
    body = "\n".join(texts)
    assert "检查商户3家次" in body and "（区市场监管局）" in body
    assert "共印60份" in body and any(t.startswith("报：") for t in texts)
    footer = doc.sections[0].footer.paragraphs[0]
    assert footer.text.startswith("— ") and "PAGE" in footer._p.xml


@pytest.mark.cjk_fonts
def test_the_pdf_has_the_title_the_figures_a_chinese_font_and_a_red_masthead(
    markets: MarketWorld, office: dict[str, Any], tmp_path: Any
) -> None:
    import subprocess

    from PIL import Image

    issue = _draft(office, _week(markets))
    path = tmp_path / "b.pdf"
    path.write_bytes(documents.bulletin_pdf(issue))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert issue.title.split()[0] in text and "3家次" in text and "上街信息" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "CJK-SC" in fonts or "CJK SC" in fonts
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")], check=True)
    page = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")
    width, height = page.size
    band = page.crop((0, int(height * 0.1), width, int(height * 0.25)))
    pixels = band.tobytes()
    red = sum(1 for i in range(0, len(pixels), 3) if pixels[i] > 200 and pixels[i + 1] < 80 and pixels[i + 2] < 80)
    assert red > 50


def test_a_pdf_without_the_fonts_says_how_to_install_them(
    markets: MarketWorld, office: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    issue = _draft(office, _week(markets))
    monkeypatch.setattr(documents, "pdf_fonts_present", lambda: False)
    with pytest.raises(documents.FontsMissing, match="fonts-noto-cjk"):
        documents.bulletin_pdf(issue)
    with pytest.raises(CommandError, match="fonts-noto-cjk"):
        call_command("bulletin", "export", str(issue.number), "--format", "pdf", "-o", "/tmp/never.pdf")


def test_the_html_is_a_standalone_page_in_simplified_chinese(markets: MarketWorld, office: dict[str, Any]) -> None:
    issue = _draft(office, _week(markets))
    html = documents.bulletin_html(issue)
    assert '<html lang="zh-CN">' in html and "上街信息" in html and "检查商户3家次" in html
    assert "<script" not in html and "http" not in html


# The command ------------------------------------------------------------------------------------


def test_the_command_drafts_an_issue_and_prints_its_number_and_text(
    markets: MarketWorld, world: World, tmp_path: Any
) -> None:
    period = _week(markets)
    out = io.StringIO()
    call_command(
        "bulletin", "draft", "--from", str(period.start), "--to", str(period.end), "--date", str(period.end), stdout=out
    )
    printed = out.getvalue()
    assert printed.startswith(f"{period.end.year}年第1期") and "检查商户3家次" in printed and "⟦" not in printed
    issue = Bulletin.objects.get()
    assert issue.drafted_by is None and issue.drafted_by_name == "system:bulletin"
    target = tmp_path / "b.docx"
    call_command("bulletin", "export", "1", "--format", "docx", "-o", str(target), stdout=io.StringIO())
    assert target.read_bytes()[:2] == b"PK"
    with pytest.raises(CommandError, match="No issue numbered 7"):
        call_command("bulletin", "export", "7", "-o", str(target))
    with pytest.raises(CommandError, match="to"):
        call_command("bulletin", "draft", "--from", "2022-01-14", "--to", "2022-01-01")


# The pages --------------------------------------------------------------------------------------


def test_the_pages_draft_edit_submit_and_sign_an_issue(
    markets: MarketWorld, office: dict[str, Any], world: World
) -> None:
    period = _week(markets)
    editor, signer = Client(), Client()
    editor.force_login(office["editor"])
    signer.force_login(office["signer"])
    response = editor.post("/command/bulletins/", {"start": period.start, "end": period.end, "issued_on": period.end})
    issue = Bulletin.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/command/bulletins/{issue.pk}/"
    page = editor.get(response["Location"]).content.decode()
    token = issue.figures.get(key="markets.inspections")
    assert f'href="/command/bulletins/{issue.pk}/figures/{token.token}/"' in page
    section = issue.sections.get()
    form = {
        "version": issue.version, "title": issue.title, "issued_on": issue.issued_on, "editor_note": issue.editor_note,
        f"section-{section.pk}-headline": section.headline,
        f"section-{section.pk}-text": section.text.replace(marker("3", token.token), marker("5", token.token)),
    }  # fmt: skip
    refused = editor.post(f"/command/bulletins/{issue.pk}/edit/", form)
    assert refused.status_code == 200 and "不能改写" in refused.content.decode()
    form[f"section-{section.pk}-text"] = section.text
    assert editor.post(f"/command/bulletins/{issue.pk}/edit/", form).status_code == 302
    editor.post(f"/command/bulletins/{issue.pk}/submit/", {"version": issue.version + 1})
    assert "第二人" in editor.get(f"/command/bulletins/{issue.pk}/").content.decode()
    signer.post(f"/command/bulletins/{issue.pk}/sign/", {"version": issue.version + 2})
    issue.refresh_from_db()
    assert issue.state == BulletinState.PUBLISHED
    docx = signer.get(f"/command/bulletins/{issue.pk}/export/docx/")
    assert docx.status_code == 200 and docx["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    rows = signer.get(f"/command/bulletins/{issue.pk}/figures/{token.token}/").content.decode()
    assert 'data-testid="row-count">3<' in rows
    printed = signer.get(f"/command/bulletins/{issue.pk}/print/")
    assert printed.status_code == 200 and "nonce=" in printed.content.decode()


def test_the_bulletin_pages_are_closed_to_others(markets: MarketWorld, office: dict[str, Any], world: World) -> None:
    issue = _draft(office, _week(markets))
    client = Client()
    client.force_login(world["market"])
    assert client.get("/command/bulletins/").status_code == 403
    assert client.get(f"/command/bulletins/{issue.pk}/").status_code == 403
    assert client.get(f"/command/bulletins/{issue.pk}/export/docx/").status_code == 403


def test_a_console_draft_has_no_user_behind_it_but_names_the_console(office: dict[str, Any]) -> None:
    issue = bulletin_draft(actor=SystemActor("bulletin"), start="2022-01-01", end="2022-01-02")
    assert issue.drafted_by_name == "system:bulletin"


def test_an_editor_with_a_sensitive_grant_elsewhere_sees_only_the_count_of_sensitive_rows(
    office: dict[str, Any], world: World
) -> None:
    from lianfang.command.models import BulletinFigure

    Membership.objects.create(
        user=office["editor"], role=Role.SUBDISTRICT_STAFF, region=world.jiyuan, may_view_sensitive=True
    )
    issue = _draft(office, Period(dt.date(2022, 1, 1), dt.date(2022, 1, 14)))
    BulletinFigure.objects.create(
        bulletin=issue, token=1, key="care.relief_paid", label="临时救助", period_start=issue.period_start,
        period_end=issue.period_end, region=world.district, value=0, words="0",
    )  # fmt: skip
    found = bulletin_figure_rows(office["editor"], Bulletin.objects.get(pk=issue.pk), 1)
    assert found is not None and found.sensitive and not found.listed


def test_the_commander_listing_sensitive_rows_is_audited(office: dict[str, Any], world: World) -> None:
    from lianfang.command.models import BulletinFigure

    issue = _draft(office, Period(dt.date(2022, 1, 1), dt.date(2022, 1, 14)))
    BulletinFigure.objects.create(
        bulletin=issue, token=1, key="care.people_helped", label="帮助困难群众", period_start=issue.period_start,
        period_end=issue.period_end, region=world.district, value=0, words="0",
    )  # fmt: skip
    client = Client()
    client.force_login(world["commander"])
    assert client.get(f"/command/bulletins/{issue.pk}/figures/1/").status_code == 200
    assert AuditEvent.objects.filter(verb="bulletin.sensitive_rows", actor=world["commander"]).count() == 1


def test_figures_stay_in_the_text_and_control_characters_are_dropped(
    markets: MarketWorld, office: dict[str, Any]
) -> None:
    issue = _draft(office, _week(markets))
    with pytest.raises(ValidationError) as refused:
        _edit(issue, office["editor"], title="标题" + marker("3", 1))
    assert "title" in refused.value.message_dict
    section = issue.sections.get()
    edited = _edit(
        issue, office["editor"], sections={section.pk: {"headline": "标\x07题", "text": section.text + "\x0b补充。"}}
    )
    row = edited.sections.get()
    assert row.headline == "标题" and row.text.endswith("补充。") and "\x0b" not in row.text
    event = AuditEvent.objects.filter(verb="bulletin.edit").latest("pk")
    assert "补充" in str(event.after) and "补充" not in str(event.before)


def test_an_export_is_audited(markets: MarketWorld, office: dict[str, Any]) -> None:
    issue = _draft(office, _week(markets))
    client = Client()
    client.force_login(office["editor"])
    assert client.get(f"/command/bulletins/{issue.pk}/export/html/").status_code == 200
    assert AuditEvent.objects.filter(verb="bulletin.export", actor=office["editor"], detail="html").exists()


def test_a_move_without_the_version_the_page_showed_is_refused(markets: MarketWorld, office: dict[str, Any]) -> None:
    issue = _draft(office, _week(markets))
    client = Client()
    client.force_login(office["editor"])
    client.post(f"/command/bulletins/{issue.pk}/submit/", {})
    issue.refresh_from_db()
    assert issue.state == BulletinState.DRAFT
    client.post(f"/command/bulletins/{issue.pk}/discard/", {"version": issue.version + 5})
    assert Bulletin.objects.filter(pk=issue.pk).exists()


def test_an_office_membership_short_of_the_district_does_not_edit_the_bulletin(world: World) -> None:
    from lianfang.command.permissions import is_bulletin_editor

    qwb = Department.objects.create(code="qwb", name="区委办", kind=DepartmentKind.BUREAU, region=world.district)
    local = make_user("local")
    Membership.objects.create(user=local, role=Role.DEPARTMENT_STAFF, region=world.jiyuan_a, department=qwb)
    assert not is_bulletin_editor(local)
