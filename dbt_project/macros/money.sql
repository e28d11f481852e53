{#-
    convert_currency(amount_local, fx_rate): an amount in local currency converted to the reporting currency and
    rounded half away from zero to the cent, as the ground truth does per row (per ad row, order, refund).
    Exact decimal arithmetic; fx_rate comes from int_fx_rates_daily (numeric(38,18)).
-#}
{% macro convert_currency(amount_local, fx_rate) -%}
    cast(round(cast({{ amount_local }} as numeric(18, 2)) * {{ fx_rate }}, 2) as numeric(18, 2))
{%- endmacro %}

{#- Division that gives null (not an error, not 0) when the denominator is 0 or null. -#}
{% macro safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as double precision) / nullif(cast({{ denominator }} as double precision), 0))
{%- endmacro %}
