"""Parts of the filed snapshot (Application.filed_content) as pages show them."""

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
