{#-
    apportioned_by_ad_day(amount, relation, name): CTEs ending in `name`, which holds every column of `relation`
    plus `<amount>_converted`: the ad day's total of `amount` (its rows by platform, account_id, ad_id, date_day)
    converted to the reporting currency at `fx_rate` and rounded to the cent as convert_currency does for one ad
    row, then apportioned to the ad day's rows in proportion to their `amount`, exactly to the cent (largest
    remainder; ties go to the first row by age_range, then gender). So the converted rows of an ad day add up to its
    converted total, where converting every row and rounding it would drift by up to half a cent a row. An ad day
    whose rows add up to 0 converts each row on its own; a row without `amount` has none converted. Integer cents
    throughout (DuckDB divides decimals in floating point), and one chain of CTEs each read once, so that DuckDB
    inlines them and drops the windows a query does not need.
-#}
{% macro apportioned_by_ad_day(amount, relation, name) -%}
    {%- set ad_day = "partition by platform, account_id, ad_id, date_day" -%}
    {%- set cents = "cast(cast(coalesce(" ~ amount ~ ", 0) as numeric(18, 2)) * 100 as bigint)" -%}
    {%- set numerator = amount ~ "_ad_day_converted_cents * " ~ amount ~ "_cents * " ~ amount ~ "_ad_day_sign" -%}
    {%- set denominator = "abs(" ~ amount ~ "_ad_day_cents)" -%}
{{ name }}_totals as (

    select
        *,
        {{ cents }} as {{ amount }}_cents,
        sum({{ cents }}) over ({{ ad_day }}) as {{ amount }}_ad_day_cents,
        case when sum({{ cents }}) over ({{ ad_day }}) < 0 then -1 else 1 end as {{ amount }}_ad_day_sign,
        cast(
            {{ convert_currency('sum(coalesce(' ~ amount ~ ', 0)) over (' ~ ad_day ~ ')', 'fx_rate') }} * 100 as bigint
        ) as {{ amount }}_ad_day_converted_cents
    from {{ relation }}

),

{{ name }}_floored as (

    select
        *,
        case
            when {{ amount }}_ad_day_cents = 0 then null
            when {{ numerator }} >= 0 then {{ integer_divide(numerator, denominator) }}
            else -{{ integer_divide('-(' ~ numerator ~ ') + ' ~ denominator ~ ' - 1', denominator) }}
        end as {{ amount }}_floor_cents
    from {{ name }}_totals

),

{{ name }}_ranked as (

    select
        *,
        {{ amount }}_ad_day_converted_cents
            - sum({{ amount }}_floor_cents) over ({{ ad_day }}) as {{ amount }}_cents_left,
        row_number() over (
            {{ ad_day }}
            order by
                {{ numerator }} - {{ amount }}_floor_cents * {{ denominator }} desc,
                age_range,
                gender
        ) as {{ amount }}_remainder_rank
    from {{ name }}_floored

),

{{ name }} as (

    select
        *,
        case
            when {{ amount }} is null then null
            when {{ amount }}_ad_day_cents = 0 then {{ convert_currency(amount, 'fx_rate') }}
            else cast(
                cast(
                    {{ amount }}_floor_cents
                    + case when {{ amount }}_remainder_rank <= {{ amount }}_cents_left then 1 else 0 end
                    as numeric(18, 0)
                ) * cast(0.01 as numeric(3, 2))
                as numeric(18, 2)
            )
        end as {{ amount }}_converted
    from {{ name }}_ranked

)
{%- endmacro %}
