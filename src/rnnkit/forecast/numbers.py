"""Numbers as spreadsheets and finance sites write them for people, read exactly or not at all.

pandas reads plain numbers. A column it leaves as text may still hold numbers written for reading:
thousands separators (``1,234.50``; ``1.234,50`` and ``1 234,50`` with a decimal comma; India's
``1,12,012.50``), a currency
sign or code (``$12.30``, ``12,30 €``, ``USD 12.30``), a percent sign (``4.5%``, read as 4.5: the series keeps its units), an
accounting negative (``(12.30)``) or a trailing minus (``1.234,56-``, as SAP and COBOL programs write
it), a finance site's volume (``12.5K``, ``3.1M``) or scientific
notation with a decimal comma (``1,23E+03``), perhaps followed by Eurostat's flags (``12.3 p``, dropped:
the value is the value). ``pd.read_csv(thousands=...)`` is no help: it drops the separator
wherever it stands (``01.01.2024`` becomes 1012024, ``1.2.3`` becomes 123). Here every cell of a column
must match one strict pattern with one decimal mark, or the column is not read as numbers at all; how
it was read is said in a note that shows one cell and its value, for the user to check.
"""

from __future__ import annotations

import re
from decimal import Decimal

import numpy as np
import pandas as pd

CURRENCY = "$€£¥₩₹"
CURRENCY_CODES = (
    "USD", "EUR", "GBP", "JPY", "CHF", "CNY", "KRW", "INR", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK", "PLN",
    "CZK", "HUF", "BRL", "MXN", "ZAR", "TRY", "HKD", "SGD", "TWD", "RUB", "ILS", "THB",
)  # fmt: skip
"""ISO 4217 codes that bank and accounting exports write before or after an amount (``1.234,56 EUR``,
``USD 12.30``), as a sign is written: the most traded currencies, never any three capitals (a unit)."""
_MONEY = "[" + CURRENCY + "]|" + "|".join(CURRENCY_CODES)
_CELL = re.compile(
    rf"(?P<open>\()?(?P<sign>[-+−])?\s*(?P<cur>{_MONEY})?\s*(?P<sign2>[-+−])?"
    rf"(?P<num>\d[\d.,\s']*)(?P<exp>[eE][-+]?\d{{1,3}})?(?P<mult>[KMB])?(?P<pct>%)?\s*(?P<cur2>{_MONEY})?"
    r"(?P<sign3>[-−])?(?P<close>\))?(?:\s+(?P<flag>[bcdefnprsuz]{1,3}))?"
)
# Eurostat's flags after a value and a space (12.3 p): b break in series, c confidential, d definition
# differs, e estimated, f forecast, n not significant, p provisional, r revised, s Eurostat's estimate,
# u low reliability, z not applicable; the value is the value, the flag a remark on it
# A number in scientific notation (1,23E+03 as a spreadsheet of decimal commas writes it): digits and one
# decimal mark, never thousands separators
_MANTISSA = {".": re.compile(r"\d+(\.\d+)?"), ",": re.compile(r"\d+(,\d+)?")}
# Volume columns of finance sites: 12.5K, 3.1M, 2B
MULTIPLIERS = {"K": 10**3, "M": 10**6, "B": 10**9}
_GROUP = {".": "[,\\s']", ",": "[.\\s']"}  # what separates thousands, by decimal mark
# The digits of one number, by decimal mark: plain, or in groups of three split by one separator (a
# group never starts a number with 0, so 0,500 is a half with a decimal comma, never five hundred), or
# with a decimal point in India's lakh and crore groups (1,12,012.50; 12,34,56,789), two digits above
# the last three, which no other grouping writes.
_DIGITS = {
    ".": re.compile(
        r"\d+(\.\d+)?|[1-9]\d{0,2}(?P<g>[,\s'])\d{3}((?P=g)\d{3})*(\.\d+)?|[1-9]\d?(,\d{2})+,\d{3}(\.\d+)?"
    ),
    ",": re.compile(r"\d+(,\d+)?|[1-9]\d{0,2}(?P<g>[.\s'])\d{3}((?P=g)\d{3})*(,\d+)?"),
}
# Numbers pandas reads right: with a decimal point, or whole numbers in a file of decimal commas (where
# 1.500 is fifteen hundred, which pandas reads as 1.5 even when told decimal=",")
_PLAIN = {".": re.compile(r"\s*[-+]?\d+(\.\d+)?\s*"), ",": re.compile(r"\s*[-+]?\d+\s*")}


def _value(cell: str, decimal: str) -> float | None:
    """One cell as a number written with ``decimal`` as its decimal mark; None when it is none."""
    m = _CELL.fullmatch(cell.strip())
    if m is None or bool(m["open"]) != bool(m["close"]) or (m["cur"] and m["cur2"]):
        return None
    if sum(bool(m[k]) for k in ("sign", "sign2", "sign3", "open")) > 1:
        return None  # one sign at most: -12.30, (12.30) or 12.30- (SAP's and COBOL's trailing minus)
    digits = m["num"].strip()
    if not (_MANTISSA if m["exp"] else _DIGITS)[decimal].fullmatch(digits):
        return None
    group = "," if decimal == "." else "."
    digits = re.sub(rf"[{re.escape(group)}\s']", "", digits).replace(",", ".") + (m["exp"] or "")
    if (m["mult"] or m["exp"]) and m["pct"] or (m["mult"] and m["exp"]):
        return None
    value = float(Decimal(digits) * MULTIPLIERS.get(m["mult"] or "", 1))  # 3.1M is 3100000 exactly
    return -value if m["open"] or m["sign3"] or (m["sign"] or m["sign2"]) in ("-", "−") else value


# Signs that name one currency, as its code: a column writing ``12 €`` and ``EUR 13`` holds one currency.
# ``$`` and ``¥`` name several (US, Canadian, Australian dollars; yen and yuan), so they stay themselves.
_SIGN_CODE = {"€": "EUR", "£": "GBP", "₩": "KRW", "₹": "INR"}
_SIGN_FAMILY = {"$": ("USD", "CAD", "AUD", "NZD", "HKD", "SGD", "TWD", "MXN"), "¥": ("JPY", "CNY")}


def currency_of(cell: str) -> str | None:
    """The currency one cell names (``'EUR'`` for ``1.234,56 EUR`` or ``12,30 €``, ``'$'`` for
    ``$12.30``), or None when it names none: for :func:`mixed_currencies`."""
    m = _CELL.fullmatch(cell.strip())
    written = m and (m["cur"] or m["cur2"])
    return _SIGN_CODE.get(written, written) if written else None


def mixed_currencies(cells: pd.Series) -> tuple[int, int] | None:
    """The positions of the first two cells that name different currencies (``12 USD`` then ``13 EUR``),
    or None when the column names at most one. Read as plain numbers, such a column adds dollars to
    euros: a forecast of nothing real, so the caller refuses it in one line."""
    seen: dict[str, int] = {}  # each currency written, at its first cell
    for i, cell in enumerate(cells):
        code = currency_of(cell) if isinstance(cell, str) else None
        if code is None or code in seen:
            continue
        other = next((j for c, j in seen.items() if not _one_currency(c, code)), None)
        if other is not None:
            return other, i
        seen[code] = i
    return None


def _one_currency(a: str, b: str) -> bool:
    """Whether two currencies written may be one: equal, or a sign beside a code it may stand for
    (``$`` beside ``USD`` or ``CAD``, ``¥`` beside ``JPY`` or ``CNY``); two codes are two currencies."""
    if a == b:
        return True
    sign, code = (a, b) if a in _SIGN_FAMILY else (b, a)
    return code in _SIGN_FAMILY.get(sign, ())


def _decoration(cells: list[str], mark: str) -> list[str]:
    """What the cells carry besides digits, for the note: ``thousands separators``, ``'$'``, ``'%'``."""
    found = []
    if any(re.search(rf"\d{_GROUP[mark]}\d{{3}}(?!\d)", c) for c in cells):
        found.append("thousands separators")
    suffixes = [s for s in MULTIPLIERS if any(re.search(rf"\d{s}", c) for c in cells)]
    if suffixes:
        found.append(f"{'/'.join(suffixes)} for thousands, millions, billions (12.5K is 12500)")
    signs = sorted({ch for c in cells for ch in c if ch in CURRENCY})
    signs += sorted({code for c in cells for code in re.findall(r"[A-Z]{3}", c) if code in CURRENCY_CODES})
    found += [f"{s!r}" for s in signs]
    if any("%" in c for c in cells):
        found.append("'%' (kept in percent: 4.5% is 4.5)")
    flags = sorted({m.group(1) for c in cells if (m := _FLAG.search(c))})
    if flags:
        found.append(
            f"Eurostat's flags after them ({', '.join(repr(f) for f in flags)}: dropped, 12.3 p is 12.3)"
        )
    if any(c.strip().startswith("(") for c in cells):
        found.append("accounting negatives ('(12.30)' as -12.3)")
    if any(
        re.search(r"\d\s*[%{CURRENCY}]?\s*[-−]$".replace("{CURRENCY}", CURRENCY), c.strip()) for c in cells
    ):
        found.append("trailing minus signs ('12.30-' as -12.3)")
    return found


_FLAG = re.compile(r"\d\)?\s+([bcdefnprsuz]{1,3})\s*$")


# letters after a number that are a unit, though made of flags' letters (a latency column of 1.5 s and
# 250 us was read as 1.5 and 250, one scale, and 30 fps as 30, each "Eurostat's flags"); a lone s, Eurostat's
# own estimate, stays a flag: a column of seconds in every row alike is one more reason to name --target
_UNITS_OF_FLAG_LETTERS = {"us", "ns", "fps", "bps", "pc", "pcs"}


def _read_cells(cells: list[str], mark: str) -> list[float | None]:
    """Each cell's number with decimal ``mark`` (None where it is none); no cell is read where a suffix
    of the flags' letters is a unit (:data:`_UNITS_OF_FLAG_LETTERS`): the column mixes scales."""
    if any((m := _FLAG.search(c)) and m.group(1) in _UNITS_OF_FLAG_LETTERS for c in cells):
        return [None if _FLAG.search(c) else _value(c, mark) for c in cells]
    return [_value(c, mark) for c in cells]


def read_numbers(raw: pd.Series, decimal: str | None = None) -> tuple[np.ndarray, str] | None:
    """``raw`` (text cells, missing ones NaN) as float64 numbers and the note that says how (empty when
    the file's own note says it all), or None when every cell is a plain number (pandas reads those) or
    some cell is no number written so (the caller's one-line error names it).

    ``decimal``: the file's decimal mark when known (a ``;``-, tab- or ``|``-separated file with decimal
    commas); otherwise a point, else a comma when only that reads every cell. A column whose cells read
    with either mark (``1,234`` only) takes the point: a comma in a comma-separated file's quoted number
    is far more often a thousands separator.
    """
    present = raw.notna().to_numpy()
    cells = [str(c) for c in raw[present]]
    plain = _PLAIN[decimal or "."]
    if not cells or all(plain.fullmatch(c) for c in cells):
        return None  # plain numbers are pandas' to read; nothing here to do
    for mark in (decimal,) if decimal else (".", ","):
        values = _read_cells(cells, mark)
        if all(v is not None for v in values):
            out = np.full(len(raw), np.nan)
            out[present] = values
            told = mark == decimal  # the file's note already says "with decimal commas"
            parts = [*_decoration(cells, mark), *(["a decimal comma"] if mark == "," and not told else [])]
            if not parts:
                return out, ""
            how = " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)
            example = next(c for c in cells if not plain.fullmatch(c))
            value = out[present][cells.index(example)]
            # a no-break space groups thousands on screen as a space does; repr wrote it '1\xa0003,46'
            shown = example.strip().replace("\u00a0", " ").replace("\u202f", " ")
            return (
                out,
                f"column {raw.name!r} writes numbers with {how}; read {shown!r} as {value:.15g}",
            )
    return None


def unread_cells(raw: pd.Series, decimal: str | None = None) -> np.ndarray:
    """``(len(raw),)`` which filled cells the column's best reading leaves unread: pandas' plain numbers,
    or people's numbers with one decimal mark (:func:`read_numbers`), whichever reads the most. For the
    error to name the cell that is wrong: among ``1.234,50 €`` cells and one ``-`` it is the ``-``, not
    the first number (which only pandas' reading fails). Of equals, pandas' reading is named first."""
    present = raw.notna().to_numpy()
    cells = [str(c) for c in raw[present]]
    plain = pd.to_numeric(pd.Series(cells, dtype=object), errors="coerce").isna().to_numpy()
    unread = [plain]
    for mark in (decimal,) if decimal else (".", ","):
        unread.append(np.array([v is None for v in _read_cells(cells, mark)], dtype=bool))
    out = np.zeros(len(raw), dtype=bool)
    out[present] = min((bad for bad in unread if bad.any()), key=lambda bad: int(bad.sum()), default=plain)
    return out
