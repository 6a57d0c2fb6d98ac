"""The committee's vote rule as integers: ⅔ of 10 is 6.67, so 7 are needed, and floating point
must never decide a title. `a / b` of `n` is reached when `k * b >= a * n`."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

LAWFUL = (2, 3)  # 人社部令第40号: quorum ⅔ of the members; pass with ⅔ of those present


@dataclass(frozen=True)
class VoteRule:
    quorum_numerator: int = LAWFUL[0]
    quorum_denominator: int = LAWFUL[1]
    pass_numerator: int = LAWFUL[0]
    pass_denominator: int = LAWFUL[1]

    @classmethod
    def of(cls, committee) -> "VoteRule":
        """The committee's configured rule; the lawful default when there is no committee."""
        if committee is None:
            return cls()
        return cls(
            committee.quorum_numerator,
            committee.quorum_denominator,
            committee.pass_numerator,
            committee.pass_denominator,
        )

    def quorate(self, *, present: int, members: int) -> bool:
        return members > 0 and present * self.quorum_denominator >= self.quorum_numerator * members

    def quorum_needed(self, members: int) -> int:
        return -(-self.quorum_numerator * members // self.quorum_denominator)

    def passes(self, *, votes_for: int, present: int) -> bool:
        return present > 0 and votes_for * self.pass_denominator >= self.pass_numerator * present

    def pass_needed(self, present: int) -> int:
        return -(-self.pass_numerator * present // self.pass_denominator)

    @property
    def quorum_label(self) -> str:
        return fraction_label(self.quorum_numerator, self.quorum_denominator)

    @property
    def pass_label(self) -> str:
        return fraction_label(self.pass_numerator, self.pass_denominator)


def fraction_label(numerator: int, denominator: int) -> str:
    """The fraction as the rules say it (三分之二), in the reader's language."""
    named = {(2, 3): _("三分之二"), (3, 4): _("四分之三"), (1, 2): _("二分之一")}
    if (numerator, denominator) in named:
        return named[(numerator, denominator)]
    return _("%(d)d分之%(n)d") % {"n": numerator, "d": denominator}
