"""What a hostile user tries: script in every text, the browser's defences, personal data and
the scope of leaders and staff on every path."""

import re

import pytest

import documents
from documents.custom_fields import FieldDefinition as Field

from .test_custom_fields import _card_form, _define

# a script tag closing the page's own, an attribute handler, and markup in an attribute
PAYLOADS = (
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    '"><svg onload=alert(3)>',
)


def unescaped(html, payloads=PAYLOADS):
    """The payloads that reach the page as markup."""
    return [p for p in payloads if p in html]


def inline_scripts(html):
    """The <script> elements of a page that are neither a file nor data."""
    tags = re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE)
    return [t for t in tags if "src=" not in t and 'type="application/json"' not in t]


@pytest.fixture
def township(app):
    return documents.Unit(name="某乡").save()


def test_a_category_cannot_close_the_dashboards_script(client, township):
    documents.CaseCard(unit=township, petitioner="张某", subject="反映问题", step="登记",
                       category=PAYLOADS[0], department=PAYLOADS[1]).save()  # fmt: skip
    response = client.get(f"/admin/?unit={township.pk}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="xf-chart-data"' in html  # the charts are there, with the category as data
    assert unescaped(html) == []
    assert inline_scripts(html) == []


def test_help_text_and_old_type_values_are_text_on_forms(client, township):
    _define(township, Field(key="times", label="次数", type="text", help_text=PAYLOADS[1]))
    client.post("/admin/casecard/new/", data=_card_form(township, x__times=PAYLOADS[2]))
    card = documents.CaseCard.objects.get()
    assert card.extra["times"] == PAYLOADS[2]
    new = client.get(f"/admin/casecard/new/?unit={township.pk}").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(2)&gt;" in new and unescaped(new) == []

    _define(township, Field(key="times", label="次数", type="number", help_text=PAYLOADS[1]))
    for url in (f"/admin/casecard/edit/?id={card.pk}", f"/admin/casecard/details/?id={card.pk}",
                f"/admin/casecard/?unit={township.pk}"):  # fmt: skip
        html = client.get(url).get_data(as_text=True)
        assert unescaped(html) == [], url
    edit = client.get(f"/admin/casecard/edit/?id={card.pk}").get_data(as_text=True)
    assert "原值「&#34;&gt;&lt;svg onload=alert(3)&gt;」与当前类型不符" in edit


@pytest.mark.parametrize("url", ["/admin/", "/admin/casecard/", "/admin/casecard/new/",
                                 "/admin/schedule/", "/admin/reports/", "/login"])  # fmt: skip
def test_pages_forbid_inline_script_and_framing(client, township, url):
    response = client.get(url)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert inline_scripts(response.get_data(as_text=True)) == []
    assert not re.search(r"\son(click|change|submit|load)=", response.get_data(as_text=True))
