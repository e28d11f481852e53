{#-
    Ad performance of every platform (one column contract, see macros/conformed_models.sql), converted to the
    reporting currency at the FX rate of the row's day (the account-timezone day), rounded to the cent per row.
    Grain: platform x account x ad x day.
-#}
{#- A table, not a view: every campaign, channel and segment mart and report reads it (issue 8). -#}
{{ config(materialized='table') }}
with

unioned as (

    {{ union_models(ad_performance_models(), ad_performance_columns()) }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_daily') }}

),

converted as (

    select
        unioned.*,
        {{ dbt.concat(["unioned.platform", "':'", "unioned.campaign_id"]) }} as campaign_key,
        fx_rates.rate_to_reporting as fx_rate,
        {{ convert_currency('unioned.spend_local', 'fx_rates.rate_to_reporting') }} as spend,
        {{ convert_currency('unioned.platform_conversion_value_local', 'fx_rates.rate_to_reporting') }}
            as platform_conversion_value
    from unioned
    left join fx_rates
        on unioned.currency_code = fx_rates.currency_code
        and unioned.date_day = fx_rates.date_day

)

select * from converted
