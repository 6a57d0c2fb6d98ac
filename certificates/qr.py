"""The certificate's QR code, with segno's choice of mask made in numpy.

segno picks the data mask the way ISO/IEC 18004 §7.8.3 says: it applies each of the 8 masks and
scores the result (runs, 2×2 blocks, finder-like patterns, dark share), all in Python, module by
module: ~4 ms of a certificate's ~40 ms. Here the same scores are computed on arrays (the finder-
like pattern with segno's own search, so its edge cases count the same), and segno then builds the
code with that mask. The result is the code segno would have made by itself, byte for byte
(tests/test_certificate_render_cost.py compares the two over many verification addresses), so the
scanners' readability segno's choice buys is kept.
"""

import functools

import numpy as np
import segno
from segno import encoder

ERROR = "m"
_N3_PATTERN = bytes((1, 0, 1, 1, 1, 0, 1))


@functools.cache
def _masks(width: int) -> tuple[np.ndarray, np.ndarray]:
    """(encoding region, the 8 masks restricted to it) for a QR code of this width."""
    function = encoder.make_matrix(width, width)
    encoder.add_finder_patterns(function, width, width)
    encoder.add_alignment_patterns(function, width, width)
    function_modules = np.array([list(row) for row in function], dtype=np.uint8)
    region = function_modules > 1
    i, j = np.indices((width, width))
    masks = np.array(
        [
            [[pattern(r, c) for c in range(width)] for r in range(width)]
            for pattern in encoder.get_data_mask_functions(False)
        ],
        dtype=np.uint8,
    )
    function_modules[region] = 0
    return region, masks & region, function_modules


def _n3(line: bytes, size: int) -> int:
    # segno.encoder.mask_scores' search for 1:1:3:1:1 with 4 light modules on one side, as it does it.
    count = 0
    idx = line.find(_N3_PATTERN)
    while idx != -1:
        offset = idx + 7
        if (
            idx in (0, size - 7)
            or not any(line[max(idx - 4, 0) : min(idx, size)])
            or not any(line[max(offset, 0) : min(offset + 4, size)])
        ):
            count += 40
        else:
            offset = idx + 4
        idx = line.find(_N3_PATTERN, offset)
    return count


def _penalty(m: np.ndarray) -> int:
    size = m.shape[0]
    lines = np.concatenate([m, m.T])
    # N1: every run of 5 or more equal modules in a row or column scores its length − 2.
    flat = np.concatenate([lines, np.full((2 * size, 1), 2, dtype=np.uint8)], axis=1).ravel()
    starts = np.flatnonzero(np.diff(flat)) + 1
    runs = np.diff(np.concatenate([[0], starts, [flat.size]]))
    n1 = int((runs[runs >= 5] - 2).sum())
    # N2: 3 per 2×2 block of one colour (overlapping blocks counted each).
    same = (m[:-1, :-1] == m[:-1, 1:]) & (m[:-1, :-1] == m[1:, :-1]) & (m[:-1, :-1] == m[1:, 1:])
    n2 = 3 * int(same.sum())
    n3 = sum(_n3(line.tobytes(), size) for line in lines)
    n4 = 10 * int(abs(float(m.sum()) / size**2 * 100 - 50) / 5)
    return n1 + n2 + n3 + n4


def _make(text: str):
    """segno's QR code for text, masked as segno would choose, and that mask."""
    code = segno.make(text, error=ERROR, micro=False, mask=0)
    width = len(code.matrix)
    region, masks, function_modules = _masks(width)
    masked = np.array([list(row) for row in code.matrix], dtype=np.uint8)
    # Unmasked data where the data goes, the function patterns (format areas still light) elsewhere,
    # which is the matrix segno scores its masks on.
    base = np.where(region, masked ^ masks[0], function_modules)
    best = int(np.argmin([_penalty(base ^ mask) for mask in masks]))
    if best:
        # Re-mask the code segno made and write the format information for the chosen mask, as
        # segno.make(text, mask=best) would (one encoding instead of two).
        remasked = masked ^ masks[0] ^ masks[best]
        for row, values in zip(code.matrix, remasked, strict=True):
            row[:] = values.tobytes()
        encoder.add_format_info(code.matrix, code._version, code._error, best)
        code.mask = best
    return code, best


def best_mask(text: str) -> int:
    """The mask segno.make(text, error="m", micro=False) would choose."""
    return _make(text)[1]


def qr_png_data_uri(text: str) -> str:
    """One pixel per module, the standard 4-module quiet zone, error correction M."""
    return _make(text)[0].png_data_uri(scale=1, border=4)
