"""Against a real MongoDB server, when MONGODB_TEST_URI names one (no server is installed here)."""

import os

import mongoengine
import pytest

import documents
import seeds

URI = os.environ.get("MONGODB_TEST_URI")
pytestmark = pytest.mark.skipif(not URI, reason="MONGODB_TEST_URI is not set")


@pytest.fixture
def server_app(mongodb_app):
    return mongodb_app


def test_seed_and_browse_on_a_real_server(server_app):
    assert server_app.extensions["xinfang_store"].kind == "mongodb"
    assert seeds.load()["单位"] == 6
    assert set(seeds.load().values()) == {0}
    client = server_app.test_client()
    plan = documents.Plan.objects.get(doc_number="隰民农营发〔2012〕2号")
    assert client.get(f"/admin/plan/edit/?id={plan.pk}").status_code == 200
    with pytest.raises(mongoengine.NotUniqueError):
        documents.Unit(name="XXX乡").save()


def test_card_numbers_are_held_unique_by_the_server(server_app):
    from pymongo.errors import DuplicateKeyError

    from documents import numbering

    collection = documents.CaseCard._get_collection()
    assert numbering.UNIQUE_INDEX in collection.index_information()
    unit = documents.Unit(name="唯一编号乡", doc_code="唯").save()
    card = documents.CaseCard(unit=unit, petitioner="张三", subject="宅基地").save()
    raw = collection.find_one({"_id": card.pk})
    raw.pop("_id")
    with pytest.raises(DuplicateKeyError):
        collection.insert_one(raw)
