"""Pages of a long list without counting it.

Django's Paginator counts the whole list (SELECT COUNT(*)) to know how many pages there are; a
bureau's queue at a million applications is hundreds of thousands of rows, and the count costs
more than the page. The queues show only 上一页/下一页, so a page needs to know one thing the
count gave: whether another row follows. It reads one row more than it shows.
"""

from collections.abc import Sequence


class UncountedPage(Sequence):
    """The page's rows, its number and its neighbours, as the templates use Django's Page."""

    def __init__(self, object_list: list, number: int, has_next: bool):
        self.object_list = object_list
        self.number = number
        self._has_next = has_next

    def __getitem__(self, index):
        return self.object_list[index]

    def __len__(self):
        return len(self.object_list)

    def __repr__(self):
        return f"<Page {self.number}>"

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def page_number(value) -> int:
    """The page asked for; anything but a positive whole number is page 1 (as Paginator.get_page)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


def uncounted_page(queryset, number, per_page: int) -> UncountedPage:
    """Page `number` (1-based, as typed in ?page=) of an ordered queryset, in one query. A page past
    the end is empty and links back (the list may have shrunk since the link was made)."""
    number = page_number(number)
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    return UncountedPage(rows[:per_page], number, has_next=len(rows) > per_page)
