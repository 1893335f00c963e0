"""The case card's page as the 一案一卡 reads, its step buttons, the registration form in the card's
parts, and the lookup of a returning petitioner's earlier cards."""

import datetime
import re

import mongoengine
import pytest

import documents
import seeds
from documents import deadlines

from .conftest import _make_app, flashed_errors

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def site(monkeypatch):
    monkeypatch.setattr(deadlines, "today", lambda: TODAY)
    app = _make_app({"MOCK_STORE": True}, signed_in=False)
    with app.app_context():
        seeds.load()
    documents.Account.objects.update(must_change_password=False)
    yield app
    mongoengine.disconnect_all()


def signed_in(app, username):
    account = documents.Account.objects.get(username=username)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = account.get_id()
        session["_fresh"] = True
    return client


def visible_text(html):
    """What a reader sees of the page's main part (no tags, scripts, attributes)."""
    body = html[html.index('class="xf-card') :]
    body = body[body.index(">") + 1 :]
    body = re.sub(r"(?s)<script.*?</script>|<style.*?</style>", "", body)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def _group_card(unit, **fields):
    leader = documents.Person.objects(unit=unit, is_leader=True).first()
    values = {
        "petitioner": "南村村民（集体）",
        "group_size": 12,
        "representatives": [
            documents.Representative(
                name="钱一", phone="13800138000", id_number="11010519491231002X"
            ),
            documents.Representative(name="孙二", phone="13912345678"),
        ],
        "id_number": "11010519491231002X",
        "phones": ["13700137000"],
        "subject": "反映南村灌溉渠堵塞影响春耕",
        "request": "疏通水渠",
        "registered_on": datetime.date(2026, 5, 20),
        "decided_on": datetime.date(2026, 5, 21),
        "responsible_leader": leader,
        "step": "登记",
        "timeline": [
            documents.TimelineEntry(
                date=datetime.date(2026, 5, 22), actor="乡信访办", content="现场查看"
            )
        ],
        "extra": {"risk": "中", "village": "南村", "revisit_on": "2026-06-10"},
        **fields,
    }
    return documents.CaseCard(unit=unit, **values).save()


def test_the_card_page_reads_as_the_card_in_words(site):
    township = documents.Unit.objects.get(name="XXX乡")
    card = _group_card(township)
    earlier = documents.CaseCard.objects(unit=township, number="XXX乡〔2008〕1号").get()
    card.related_cards = [earlier]
    card.save()
    html = signed_in(site, "xiangxinfang").get(f"/admin/casecard/details/?id={card.pk}")
    html = html.get_data(as_text=True)
    text = visible_text(html)
    # the parts in the order a clerk reads them
    parts = ["petitioner", "matter", "handling", "deadlines", "timeline", "progress", "related"]
    positions = [html.index(f"xf-part-{p}") for p in parts]
    assert positions == sorted(positions) and html.index("xf-part-history") > positions[-1]
    assert "信访人（集体访）" in text
    assert card.number in text and "XXX乡信〔2026〕1号" == card.number
    # the group's representatives, the unit's own fields in their part
    assert "钱一" in text and "13800138000" in text and "孙二" in text
    assert text.index("所在村") < text.index("信访事项 登记日期") < text.index("办理 包案责任人")
    assert text.index("下次回访日期") > text.index("目前进展")
    assert "2026年6月10日" in text
    # the clock: decided on 5/21, 60 days to handle → 7/20, 49 days left on 6/1
    assert "办理答复" in text and "2026年7月20日" in text and "还剩 49 天" in text
    assert "《信访工作条例》第三十四条" in text
    assert "2026年5月22日 乡信访办 ：现场查看" in text
    # related cards with their reason, steps as buttons
    assert earlier.number in text and "案由相似" in text
    assert "转到“分类”" in text
    # no internal field, no None, no id, no English key
    for internal in ("版本", "字段版本", "已归档", "归档人", "期限无法计算的原因", "终结提示"):
        assert internal + " " not in text, internal
    assert "None" not in text and not re.search(r"\b[0-9a-f]{24}\b", text)
    # PDF a format's name, XXX the sample township's, tester a test account's user's
    english = set(re.findall(r"[A-Za-z]{2,}", text)) - {"PDF", "XXX", "tester"}
    assert english == set(), english
    # the history in words: names and labels, related card by its number, timeline as read
    history = text[text.index("修改记录") :]
    assert "关联信访件" in history and earlier.number in history
    assert "处理过程 ：2026年5月22日 乡信访办：现场查看" in history
    assert "推选代表 ：姓名：钱一" in history


def test_the_page_and_its_history_mask_personal_data_for_a_role_without_the_right(site):
    township = documents.Unit.objects.get(name="XXX乡")
    leader = documents.Person.objects.get(name="乜冠军")
    card = _group_card(township, responsible_leader=leader)
    card.phones = ["13700137001"]
    card.save()
    html = signed_in(site, "nieguanjun").get(f"/admin/casecard/details/?id={card.pk}")
    text = visible_text(html.get_data(as_text=True))
    assert "138****8000" in text and "139****5678" in text and "1101***********02X" in text
    assert "137****7001" in text and "137****7000" in text  # the history's before and after
    for full in ("13800138000", "13912345678", "11010519491231002X", "13700137001"):
        assert full not in text, full


def test_an_empty_part_is_folded_and_a_card_from_before_shows_no_none(site):
    township = documents.Unit.objects.get(name="XXX乡")
    card = documents.CaseCard(unit=township, petitioner="李四", subject="问路").save()
    html = signed_in(site, "xiangxinfang").get(f"/admin/casecard/details/?id={card.pk}")
    html = html.get_data(as_text=True)
    assert re.search(r'<details class="card mb-3 xf-part xf-part-timeline"\s*>', html)
    assert re.search(r'<details class="card mb-3 xf-part xf-part-petitioner" open>', html)
    assert "（未填写）" in visible_text(html) and "None" not in visible_text(html)


def test_step_buttons_move_the_card_as_the_procedure_allows(site):
    township = documents.Unit.objects.get(name="XXX乡")
    card = _group_card(township)
    client = signed_in(site, "xiangxinfang")
    procedure = documents.Procedure.for_unit(township)
    target = procedure.allowed("登记")[1]
    response = client.post(
        "/admin/casecard/move/", data={"id": card.pk, "step": target, "version": card.version}
    )
    assert response.status_code == 302
    moved = documents.CaseCard.objects.get(pk=card.pk)
    assert moved.step == target and moved.version == card.version + 1
    # a move the procedure does not allow, and a stale page, change nothing
    not_allowed = next(s for s in procedure.steps if s not in procedure.allowed(target))
    response = client.post(
        "/admin/casecard/move/",
        data={"id": card.pk, "step": not_allowed, "version": moved.version},
    )
    assert "不能从" in flashed_errors(client.get(response.headers["Location"]))
    response = client.post(
        "/admin/casecard/move/", data={"id": card.pk, "step": "登记", "version": card.version}
    )
    assert "已被他人修改" in flashed_errors(client.get(response.headers["Location"]))
    assert documents.CaseCard.objects.get(pk=card.pk).step == target
    # a role that may only read gets no buttons and may not move
    reader = signed_in(site, "xianxinfangju")
    page = reader.get(f"/admin/casecard/details/?id={card.pk}").get_data(as_text=True)
    assert "转到“" not in page
    response = reader.post(
        "/admin/casecard/move/", data={"id": card.pk, "step": "登记", "version": moved.version}
    )
    assert response.status_code == 403


def test_the_list_shows_days_left_or_overdue(site):
    township = documents.Unit.objects.get(name="XXX乡")
    _group_card(township)
    page = signed_in(site, "xiangxinfang").get(f"/admin/casecard/?unit={township.pk}")
    page = page.get_data(as_text=True)
    assert "办理答复 <span class='badge badge-light'>还剩 49 天</span>" in page
    assert re.search(r"已超期 \d+ 天", page)  # the sample cards of 2008
    assert not re.search(r"<td[^>]*>\s*20\d\d-\d\d-\d\d 受理告知", page)


def test_the_registration_form_puts_first_visit_fields_first_and_folds_the_rest(site):
    township = documents.Unit.objects.get(name="XXX乡")
    html = signed_in(site, "xiangxinfang").get(f"/admin/casecard/new/?unit={township.pk}")
    html = html.get_data(as_text=True)
    parts = re.findall(
        r'<details class="card mb-3 xf-form-part" (open)?>\s*<summary[^>]*><b>([^<]+)', html
    )
    titles = [title for _, title in parts]
    assert titles[0] == "信访人" and titles[2] == "信访事项"
    opened = [title for is_open, title in parts if is_open]
    assert opened == ["信访人", "信访事项"]
    # the township's 稳控风险等级 (its part: 目前进展) is required: it stays on the first screen
    matter = html[html.index("<b>信访事项</b>") : html.index("登记日期、同时属于、所属方案")]
    assert 'name="x__risk"' in matter and 'name="x__revisit_on"' not in matter
    first = html[: html.index("集体访：人数和推选代表")]
    for name in ("petitioner", "id_number", "phones", "address", "x__village", "x__key_person"):
        assert f'name="{name}"' in first, name
    assert 'name="number"' not in html  # given on registration
    assert "xinfang-card.js" in html and "<script>" not in html.replace("<script src", "")


def test_earlier_cards_of_a_returning_petitioner_are_found_scoped_and_masked(site):
    township = documents.Unit.objects.get(name="XXX乡")
    battalion = documents.Unit.objects.get(name="山西省隰县民兵农建营")
    other_leader = documents.Person.objects(unit=township, is_leader=True, name__ne="乜冠军")[0]
    mine = _group_card(township, responsible_leader=other_leader)
    documents.CaseCard(
        unit=battalion, petitioner="南村村民（集体）", subject="营里", id_number=mine.id_number
    ).save()
    client = signed_in(site, "xiangxinfang")
    found = client.get(f"/admin/casecard/earlier/?id_number={mine.id_number.lower()}").get_json()
    assert [c["number"] for c in found["cards"]] == [mine.number]  # not the battalion's
    card = found["cards"][0]
    assert card["id_number"] == "1101***********02X" and card["phones"] == "137****7000"
    assert card["reason"] == "同一证件号码" and card["href"].endswith(str(mine.pk))
    by_phone = client.get(
        "/admin/casecard/earlier/", query_string={"name": mine.petitioner, "phone": "13700137000"}
    ).get_json()
    assert [c["reason"] for c in by_phone["cards"]] == ["同一姓名和电话"]
    nothing = client.get("/admin/casecard/earlier/", query_string={"name": mine.petitioner})
    assert nothing.get_json() == {"cards": []}  # a name alone finds nobody
    # a leader sees only his own cards there too
    leader = signed_in(site, "nieguanjun")
    found = leader.get(f"/admin/casecard/earlier/?id_number={mine.id_number}").get_json()
    assert found == {"cards": []}


def test_an_archived_card_reads_the_same_with_its_units_fields(site):
    township = documents.Unit.objects.get(name="XXX乡")
    card = _group_card(township)
    card.archive()
    html = signed_in(site, "xiangxinfang").get(f"/admin/archivedcasecard/details/?id={card.pk}")
    text = visible_text(html.get_data(as_text=True))
    assert "这张卡片已归档" in text and card.number in text
    assert "所在村 南村" in text and "稳控风险等级 中" in text
    assert "转到“" not in text  # an archived card is not moved
