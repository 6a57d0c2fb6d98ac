"""The filed snapshot stores field names and codes, never labels, and is read in the reader's
language; snapshots filed before (label-keyed Chinese) still read as they were."""

from django.utils import translation

from applications.snapshot_display import display_content, filed_value, labelled_content, masked_content
from tests.workflow_helpers import submitted


def test_the_snapshot_keeps_names_and_codes(demo):
    content = submitted("mobile_confirmation").filed_content  # an item that asks for the current title
    assert content["format"] == 2
    assert {"real_name", "id_number", "sex", "politics"} <= set(content["basic"])
    assert content["basic"]["politics"] == "masses"  # the code, not 群众
    assert content["current_title"]["obtained_by"] == "evaluation"
    assert not any("\u4e00" <= ch <= "\u9fff" for key in content["basic"] for ch in key)


def test_it_reads_in_chinese_and_in_english(demo):
    content = submitted("mobile_confirmation").filed_content  # an item that asks for the current title
    chinese = display_content(content)
    assert chinese["basic"]["政治面貌"] == "群众" and chinese["current_title"]["取得方式"] == "评审"
    with translation.override("en"):
        english = dict(labelled_content(content))
    assert all(not any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in english)
    assert "群众" not in str(english)


def test_a_legacy_snapshot_reads_as_it_was_filed():
    legacy = {"basic": {"姓名": "张伟", "身份证号码": "530102198803152015"}, "current_title": {"证书编号": "A1"}}
    assert display_content(legacy) == legacy
    assert filed_value(legacy, "current_title", "certificate_number") == "A1"
    assert masked_content(legacy)["basic"]["身份证号码"] != legacy["basic"]["身份证号码"]
