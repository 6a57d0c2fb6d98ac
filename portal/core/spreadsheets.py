"""Cells that spreadsheets would run as formulas, made inert (CSV/formula injection).

A text value that starts with = + - @, a tab or a carriage return (or the full-width ＝ ＋ － ＠
an input method types) is what Excel, WPS and LibreOffice evaluate; it is written with a leading
apostrophe, which shows it as the text typed. Every xlsx and CSV the portal writes passes its
cells through `neutralise` (or `neutralised_row`)."""

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralised_row(values: Iterable) -> list:
    return [neutralise(value) for value in values]
