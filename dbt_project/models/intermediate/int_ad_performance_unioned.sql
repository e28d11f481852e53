{#-
    Ad performance of every platform (one column contract, see macros/conformed_models.sql), converted to the
    reporting currency at the FX rate of the row's day (the account-timezone day), rounded to the cent per row.
    Grain: platform x account x ad x day.
-#}
{#-
    A table, not a view: every campaign, channel and segment mart and report reads it (issue 8). Incremental: a
    nightly run rebuilds only the days from rebuild_from on (macros/rebuild_window.sql, socialmart/rebuild_window.py).
-#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_rebuild_window() }}",
    full_refresh=(true if target.type != 'duckdb' else none),
) }}
with

unioned as (

    select * from (
        {{ union_models(ad_performance_models(), ad_performance_columns()) }}
    ) as all_platforms
    {{ rebuild_window_filter() }}

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
