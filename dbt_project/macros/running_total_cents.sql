{#-
    cents_of_running_total(name): a row's share of an amount converted over a group of rows so that the group's rows
    add up exactly to the group's total converted and rounded once. Expects `<name>_exact` (the row's exact
    conversion, unrounded) and `<name>_running` (the running sum of `<name>_exact` over the group in a fixed order,
    through this row): the row gets the rounded running total through it less the rounded running total before it.
    Every row is within a cent of its exact conversion, negative and zero-sum groups included; a row without an
    amount (null exact) gets none. Rounding as convert_currency: half away from zero, to the cent.
-#}
{% macro cents_of_running_total(name) -%}
    cast(round({{ name }}_running, 2) - round({{ name }}_running - {{ name }}_exact, 2) as numeric(18, 2))
{%- endmacro %}
