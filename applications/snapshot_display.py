"""Parts of the filed snapshot (Application.filed_content) as pages show them."""

from portal.core.identity import mask_id_number, mask_mobile

# Keys of the snapshot's "basic" section that pages show from elsewhere: the ID number, masked,
# from the account (fixed at registration), never in clear from the snapshot.
_SHOWN_ELSEWHERE = {"身份证号码"}


def filed_basic_facts(content: dict) -> list[tuple[str, object]]:
    """The basic information as filed, with the unit the application was filed for."""
    basic = (content or {}).get("basic") or {}
    facts = [(label, value) for label, value in basic.items() if label not in _SHOWN_ELSEWHERE]
    unit = ((content or {}).get("application") or {}).get("申报单位")
    if unit:
        facts.append(("申报单位", unit))
    return facts


# Keys of the snapshot's "basic" section that are shown masked unless the reader asks (audited).
_MASKED = {"身份证号码": mask_id_number, "手机号码": mask_mobile}


def masked_content(content: dict) -> dict:
    """The filed content with the ID number and mobile in its basic section masked."""
    basic = (content or {}).get("basic")
    if not isinstance(basic, dict):
        return content or {}
    masked = {k: (_MASKED[k](str(v)) if k in _MASKED and v else v) for k, v in basic.items()}
    return {**content, "basic": masked}
