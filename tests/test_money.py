"""Amount parsing and formatting: what clerks type and paste becomes integer hundredths, never float."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from desktop.core.money import (
    AmountError,
    format_amount,
    from_decimal,
    is_not_applicable,
    normalise_text,
    parse_amount,
    to_decimal,
    to_plain,
)

CHINESE = re.compile(r"[\u4e00-\u9fff]")

# Amounts well inside Decimal's default 28-digit context (see test_parse_amount_beyond_28_digits).
WIDE = st.integers(min_value=-(10**17 - 1), max_value=10**17 - 1)  # up to 15 integer digits


# -- accepted input -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.56", 123456),
        ("1234.5", 123450),
        ("1234", 123400),
        ("0", 0),
        ("0.01", 1),
        (".5", 50),
        ("1.", 100),
        ("１２３．４５", 12345),  # full-width digits and point
        ("１，２３４．５６", 123456),  # full-width grouping comma
        ("-27.15", -2715),
        ("－27.15", -2715),  # full-width minus
        ("+27.15", 2715),
        ("（1,234.00）", -123400),  # full-width parentheses: accounting negative
        ("(1,234.00)", -123400),
        ("733. 90", 73390),  # OCR space inside the number
        ("  1,234.56  ", 123456),
        ("\u30001234\u3000", 123400),  # ideographic space
        ("1\xa0234.56", 123456),  # no-break space pasted from WPS
        ("1,234,567,890.12", 123456789012),
        ("-0", 0),
    ],
)
def test_parse_amount_accepts(text: str, expected: int) -> None:
    result = parse_amount(text)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize(
    "text", [None, "", "   ", "\u3000", "——", "────", "—", "-", "－", "–", "━━", "/", "\t\n"]
)
def test_parse_amount_blank_and_dashes_are_none(text: str | None) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize("text", ["——", "────", "—", "- -", "－"])
def test_is_not_applicable_for_dashes(text: str) -> None:
    assert is_not_applicable(text)


@pytest.mark.parametrize("text", ["", "0", "-5", "abc"])
def test_is_not_applicable_false_for_other_text(text: str) -> None:
    assert not is_not_applicable(text)


def test_normalise_text_full_width_and_spaces() -> None:
    assert normalise_text("（１，２３４． ５６）") == "(1,234.56)"


# -- refused input --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "1,234.567",  # three decimals
        "1234.567",
        "12,34",  # misplaced grouping comma
        "1,2345",
        ",123",
        "1.2.3",
        "1e5",
        "1E5",
        "nan",
        "NaN",
        "inf",
        "∞",
        "12元",  # unit suffix: refused today (see report)
        "￥12",
        "12%",
        "+",
        "()",
        "(5",
        "--5",
        ".",
        "0x10",
        "一百",
    ],
)
def test_parse_amount_refuses_with_chinese_message(text: str) -> None:
    with pytest.raises(AmountError) as info:
        parse_amount(text)
    message = str(info.value)
    assert CHINESE.search(message), message
    assert text in message, message


def test_amount_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_amount("abc")


def test_three_decimals_message_mentions_two_places() -> None:
    with pytest.raises(AmountError, match="两位小数"):
        parse_amount("1,234.567")


def test_misplaced_comma_message_mentions_grouping() -> None:
    with pytest.raises(AmountError, match="千分位"):
        parse_amount("12,34")


def test_decimals_zero_refuses_fraction() -> None:
    with pytest.raises(AmountError) as info:
        parse_amount("2.5", decimals=0)
    assert "2.5" in str(info.value)
    assert "整数" in str(info.value)


def test_decimals_zero_accepts_whole_number() -> None:
    assert parse_amount("2", decimals=0) == 200
    assert parse_amount("1,000", decimals=0) == 100000


def test_decimals_one() -> None:
    assert parse_amount("2.5", decimals=1) == 250
    with pytest.raises(AmountError):
        parse_amount("2.55", decimals=1)


def test_parse_amount_beyond_28_digits_is_exact_or_refused() -> None:
    text = "1" * 30
    try:
        result = parse_amount(text)
    except AmountError:
        return
    assert result == int(text) * 100


def test_parse_amount_huge_number_raises_amount_error() -> None:
    with pytest.raises(AmountError):
        parse_amount("9" * 1_000_001)


# -- formatting -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("hundredths", "grouped", "plain"),
    [
        (123456, "1,234.56", "1234.56"),
        (0, "0.00", "0.00"),
        (1, "0.01", "0.01"),
        (-1, "-0.01", "-0.01"),
        (-2715, "-27.15", "-27.15"),
        (100000000, "1,000,000.00", "1000000.00"),
    ],
)
def test_format_amount_table(hundredths: int, grouped: str, plain: str) -> None:
    assert format_amount(hundredths) == grouped
    assert format_amount(hundredths, grouping=False) == plain
    assert to_plain(hundredths) == plain


def test_format_none() -> None:
    assert format_amount(None) == ""
    assert to_plain(None) is None


def test_counts_without_decimals() -> None:
    assert to_plain(200, decimals=0) == "2"
    assert format_amount(123400, decimals=0) == "1,234"
    # a count that somehow has a fraction is shown, not hidden
    assert to_plain(250, decimals=0) == "2.50"


# -- properties -----------------------------------------------------------------------------------------
@given(WIDE)
@example(0)
@example(-1)
@example(10**17 - 1)
@example(-(10**17 - 1))
def test_round_trip_format_and_plain(n: int) -> None:
    assert parse_amount(format_amount(n)) == n
    assert parse_amount(to_plain(n)) == n
    assert parse_amount(format_amount(n, grouping=False)) == n


@given(st.integers(min_value=1, max_value=10**17 - 1))
def test_round_trip_accounting_negative(n: int) -> None:
    assert parse_amount(f"（{format_amount(n)}）") == -n


@given(st.integers(min_value=-(10**15 - 1), max_value=10**15 - 1))
def test_round_trip_counts(n: int) -> None:
    whole = n * 100
    assert parse_amount(to_plain(whole, decimals=0), decimals=0) == whole


GROUPED_OUT = re.compile(r"^-?\d{1,3}(,\d{3})*\.\d{2}$")
PLAIN_OUT = re.compile(r"^-?\d+\.\d{2}$")


@given(st.integers(min_value=-(10**40), max_value=10**40))
def test_format_amount_shape(n: int) -> None:
    grouped = format_amount(n)
    plain = format_amount(n, grouping=False)
    for text in (grouped, plain, to_plain(n)):
        assert "e" not in text.lower()
        assert len(text.partition(".")[2]) == 2
    assert GROUPED_OUT.match(grouped), grouped
    assert PLAIN_OUT.match(plain), plain


@given(WIDE)
def test_decimal_round_trip(n: int) -> None:
    d = to_decimal(n)
    assert d.as_tuple().exponent == -2
    assert from_decimal(d) == n


def test_from_decimal_rounds_half_up() -> None:
    assert from_decimal(Decimal("0.005")) == 1
    assert from_decimal(Decimal("-0.005")) == -1
    assert from_decimal(Decimal("0.0049")) == 0


def _check_parse_total(text: str) -> None:
    try:
        result = parse_amount(text)
    except AmountError as err:
        assert CHINESE.search(str(err))
        return
    assert result is None or type(result) is int


@given(st.text())
def test_parse_amount_only_raises_amount_error(text: str) -> None:
    _check_parse_total(text)


@given(st.text(alphabet="0123456789,.-+()（）—－，．１２ \u3000e元"))
def test_parse_amount_only_raises_amount_error_money_like(text: str) -> None:
    _check_parse_total(text)


@given(st.text(), st.integers(min_value=0, max_value=3))
def test_parse_amount_never_more_decimals_than_allowed(text: str, decimals: int) -> None:
    try:
        result = parse_amount(text, decimals=decimals)
    except AmountError:
        return
    if result is not None and decimals < 2:
        assert result % 10 ** (2 - decimals) == 0
