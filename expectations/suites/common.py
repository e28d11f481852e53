"""Builders shared by the suite modules: primary keys and value ranges."""

from __future__ import annotations

import great_expectations.expectations as gxe

from expectations.specs import CheckSpec


def primary_key(name: str, table: str, columns: list[str]) -> CheckSpec:
    """A uniqueness check on one column or on a compound key."""
    expectation = (
        gxe.ExpectColumnValuesToBeUnique(column=columns[0])
        if len(columns) == 1
        else gxe.ExpectCompoundColumnsToBeUnique(column_list=columns)
    )
    key = ", ".join(columns)
    return CheckSpec(name, expectation, table, key, f"({key}) is unique")


def non_negative(name: str, table: str, column: str) -> CheckSpec:
    """A check that a numeric column is never negative."""
    expectation = gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0)
    return CheckSpec(name, expectation, table, column, f"{column} >= 0")


def not_greater_than(name: str, table: str, small: str, large: str) -> CheckSpec:
    """A check that ``small <= large`` on every row (e.g. clicks <= impressions)."""
    expectation = gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A=large, column_B=small, or_equal=True)
    return CheckSpec(name, expectation, table, small, f"{small} <= {large}")
