{#-
    apportioned_by_ad_day(amount, relation, name): CTEs ending in `name`, which holds every column of `relation`
    plus `<amount>_converted`: the ad day's total of `amount` (its rows by platform, account_id, ad_id, date_day)
    converted to the reporting currency at `fx_rate` and rounded to the cent as convert_currency does for one ad
    row, then apportioned to the ad day's rows in proportion to their `amount`, exactly to the cent (largest
    remainder; ties go to the first row by age_range, then gender). So the converted rows of an ad day add up to its
    converted total, where converting every row and rounding it would drift by up to half a cent a row. An ad day
    whose rows add up to 0 converts each row on its own; a row without `amount` has none converted. Integer cents
    throughout: DuckDB divides decimals in floating point.
-#}
{% macro apportioned_by_ad_day(amount, relation, name) -%}
    {%- set ad_day = "partition by platform, account_id, ad_id, date_day" -%}
    {%- set cents = "cast(cast(coalesce(" ~ amount ~ ", 0) as numeric(18, 2)) * 100 as bigint)" -%}
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
        {%- set numerator = amount ~ "_ad_day_converted_cents * " ~ amount ~ "_cents * " ~ amount ~ "_ad_day_sign" %}
        {%- set denominator = "abs(" ~ amount ~ "_ad_day_cents)" %}
        case
            when {{ numerator }} >= 0 then {{ integer_divide(numerator, denominator) }}
            else -{{ integer_divide('-(' ~ numerator ~ ') + ' ~ denominator ~ ' - 1', denominator) }}
        end as {{ amount }}_floor_cents
    from {{ name }}_totals
    where {{ amount }}_ad_day_cents <> 0

),

{{ name }}_ranked as (

    select
        *,
        {{ amount }}_ad_day_converted_cents
            - sum({{ amount }}_floor_cents) over ({{ ad_day }}) as {{ amount }}_cents_left,
        row_number() over (
            {{ ad_day }}
            order by
                {{ amount }}_ad_day_converted_cents * {{ amount }}_cents * {{ amount }}_ad_day_sign
                    - {{ amount }}_floor_cents * abs({{ amount }}_ad_day_cents) desc,
                age_range,
                gender
        ) as {{ amount }}_remainder_rank
    from {{ name }}_floored

),

{{ name }} as (

    select
        ranked.*,
        case
            when ranked.{{ amount }} is null then null
            else cast(
                cast(
                    ranked.{{ amount }}_floor_cents
                    + case when ranked.{{ amount }}_remainder_rank <= ranked.{{ amount }}_cents_left then 1 else 0 end
                    as numeric(18, 0)
                ) * cast(0.01 as numeric(3, 2))
                as numeric(18, 2)
            )
        end as {{ amount }}_converted
    from {{ name }}_ranked as ranked

    union all

    select
        totals.*,
        cast(null as bigint) as {{ amount }}_floor_cents,
        cast(null as bigint) as {{ amount }}_cents_left,
        cast(null as bigint) as {{ amount }}_remainder_rank,
        {{ convert_currency('totals.' ~ amount, 'totals.fx_rate') }} as {{ amount }}_converted
    from {{ name }}_totals as totals
    where totals.{{ amount }}_ad_day_cents = 0

)
{%- endmacro %}
