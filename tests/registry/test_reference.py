import pytest

from lawtrail.core.journal.models import Entry
from lawtrail.registry.models import Division
from lawtrail.registry.reference import divisions_seed


@pytest.mark.django_db
def test_divisions_seed_builds_gbt2260_tree_and_journals_each_row():
    created = divisions_seed(provinces=["130000", "110000"])
    assert created == Division.objects.count() > 30
    shijiazhuang = Division.objects.get(code="130100")
    assert shijiazhuang.level == Division.Level.CITY and shijiazhuang.parent.code == "130000"
    changan = Division.objects.get(code="130102")
    assert changan.name == "长安区" and changan.path == "130000/130100/130102/"
    # a municipality's districts sit directly under the province
    assert Division.objects.get(code="110101").parent.code == "110000"
    assert Entry.objects.filter(action="registry:division:seed").count() == created
    assert divisions_seed(provinces=["130000"]) == 0  # idempotent
