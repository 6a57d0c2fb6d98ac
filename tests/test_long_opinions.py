"""An opinion has no length limit in the record (a TextField); the forms that parse decisions
must not turn a long opinion into a refused, lost decision."""

from django.http import QueryDict

from applications.models import Application
from portal.catalog.models import Item
from reviews.forms import BatchPassForm, DecisionForm


def test_a_long_opinion_keeps_its_step():
    opinion = "同意推荐。" * 1000
    data = DecisionForm(
        {"step": "unit_pass", "opinion": opinion}, application=Application(item=Item(sections=["basic"]))
    ).step_data()
    assert data == {
        "step": "unit_pass",
        "opinion": opinion,
        "expected_state": None,
        "sections": [],
        "recommendation": "",
    }


def test_a_long_batch_opinion_is_accepted():
    post = QueryDict(mutable=True)
    post.update({"opinion": "同意。" * 1000})
    post.setlist("application", ["1", "2"])
    form = BatchPassForm(post)
    assert form.is_valid() and form.refusal() == ""
