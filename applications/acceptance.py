"""The acceptance number's ASCII form, for barcodes and QR codes.

A keyboard-wedge USB scanner types what it reads as key presses, and many type only ASCII: 受理〔〕
come out as nothing or as mojibake. The QR on the receipt and the cover sheet therefore carries an
ASCII form: the prefix SL (受理) and the number's runs of letters and digits joined by hyphens
(受理〔2026〕0000001 → SL-2026-0000001), whatever ACCEPTANCE_NUMBER_FORMAT is. The queue's search
recognises that form (`number_pattern`) and opens the file as for the number itself."""

import re

PREFIX = "SL"
_RUNS = re.compile(r"[A-Za-z0-9]+")
_ASCII_FORM = re.compile(r"^SL(?:-[A-Z0-9]+)+$")


def ascii_form(acceptance_number: str) -> str:
    return "-".join([PREFIX, *(run.upper() for run in _RUNS.findall(acceptance_number))])


def number_pattern(text: str) -> str | None:
    """For a typed ASCII form, a regular expression matching the acceptance numbers it stands for
    (letters and digits as typed, anything else between them); None for any other text. Built from
    letters and digits only, so nothing typed becomes part of the pattern's syntax."""
    text = text.strip().upper()
    if not text.isascii() or not _ASCII_FORM.match(text):
        return None
    runs = text.split("-")[1:]
    return "^[^A-Za-z0-9]*" + "[^A-Za-z0-9]+".join(runs) + "[^A-Za-z0-9]*$"
