{#-
    stripe_amount(amount, currency): a Stripe amount (integer minor units) in currency units as numeric(18, 2).
    Stripe writes amounts in the currency's smallest unit: cents for USD/EUR (1234 = 12.34), but whole units for
    zero-decimal currencies (JPY 1234 = 1234). The list is Stripe's documented zero-decimal currencies.
-#}
{% macro stripe_amount(amount, currency) -%}
    {%- set zero_decimal = ['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf'] -%}
    cast(
        case
            when lower(cast({{ currency }} as varchar)) in ('{{ zero_decimal | join("', '") }}')
                then cast({{ amount }} as numeric(18, 0))
            else cast({{ amount }} as numeric(20, 0)) / 100
        end
        as numeric(18, 2)
    )
{%- endmacro %}
