{#-
    prorate_money(amount, numerator, denominator): amount x numerator / denominator rounded half away from zero to
    the cent, computed exactly in integer cents (DuckDB divides decimals in floating point, which can round an
    exact half cent the wrong way). amount is money (2 decimals); numerator and denominator are integers, the
    denominator > 0. Used for linear pacing (a budget x days_elapsed / days_in_month).
-#}
{% macro prorate_money(amount, numerator, denominator) -%}
    {%- set scaled -%}
        cast(cast({{ amount }} as numeric(18, 2)) * 100 as bigint) * cast({{ numerator }} as bigint)
    {%- endset -%}
    cast(
        cast(
            sign({{ scaled }})
            * {{ integer_divide('2 * abs(' ~ scaled ~ ') + cast(' ~ denominator ~ ' as bigint)',
                                '2 * cast(' ~ denominator ~ ' as bigint)') }}
            as numeric(18, 0)
        ) * cast(0.01 as numeric(3, 2))
        as numeric(18, 2)
    )
{%- endmacro %}

{#- integer_divide(numerator, denominator): the integer quotient of two non-negative integers, on every adapter. -#}
{% macro integer_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('integer_divide')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__integer_divide(numerator, denominator) -%}
    div({{ numerator }}, {{ denominator }})
{%- endmacro %}

{% macro duckdb__integer_divide(numerator, denominator) -%}
    (({{ numerator }}) // ({{ denominator }}))
{%- endmacro %}
