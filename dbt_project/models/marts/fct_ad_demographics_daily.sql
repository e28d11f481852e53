{#-
    Money is converted per ad day, as int_ad_performance_unioned converts the ad's row: the ad day's breakdown total
    (in the account currency) at the FX rate of its day, rounded to the cent once. Its age x gender rows (in
    age_range, gender order) share it by running total: each row gets the running total through it converted, less
    the running total before it converted. So each row is within a cent of its own conversion, and the ad day's rows
    add up to its total converted exactly; where a platform's breakdown adds up to its ad row (as the sandbox's
    does), the ad day's rows add up to fct_ad_performance_daily in the reporting currency too, not only in the
    account currency. The running totals are of the local amounts (one rate per currency and day), so every
    conversion is one convert_currency.
-#}
{#- Incremental: a nightly run rebuilds only the days from rebuild_from on (macros/rebuild_window.sql). -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_rebuild_window() }}",
    full_refresh=(true if target.type != 'duckdb' else none),
) }}
with

breakdown as (

    select * from {{ ref('int_ad_demographics_unioned') }}
    {{ rebuild_window_filter() }}

),

running as (

    select
        *,
        sum(spend_local) over ad_day_so_far as spend_local_running,
        sum(platform_conversion_value_local) over ad_day_so_far as platform_conversion_value_local_running
    from breakdown
    window ad_day_so_far as (
        partition by platform, account_id, ad_id, date_day, currency_code
        order by age_range, gender
        rows between unbounded preceding and current row
    )

),

demographics as (

    select
        *,
        {{ convert_currency('spend_local_running', 'fx_rate') }}
            - {{ convert_currency('spend_local_running - spend_local', 'fx_rate') }} as spend,
        {{ convert_currency('platform_conversion_value_local_running', 'fx_rate') }}
            - {{ convert_currency(
                'platform_conversion_value_local_running - platform_conversion_value_local', 'fx_rate'
            ) }} as platform_conversion_value
    from running

),

final as (

    select
        cast(date_day as date) as date_day,
        cast(platform as varchar) as platform,
        cast(account_id as varchar) as account_id,
        cast(campaign_key as varchar) as campaign_key,
        cast(campaign_id as varchar) as campaign_id,
        cast(age_range as varchar) as age_range,
        cast(gender as varchar) as gender,
        cast(max(currency_code) as varchar) as currency_code,
        cast(sum(spend) as numeric(18, 2)) as spend,
        cast(sum(spend_local) as numeric(18, 2)) as spend_local,
        cast(sum(impressions) as bigint) as impressions,
        cast(sum(clicks) as bigint) as clicks,
        cast(sum(platform_conversions) as double precision) as platform_conversions,
        cast(sum(platform_conversion_value) as numeric(18, 2)) as platform_conversion_value,
        cast(sum(platform_conversion_value_local) as numeric(18, 2)) as platform_conversion_value_local
    from demographics
    group by date_day, platform, account_id, campaign_key, campaign_id, age_range, gender

)

select * from final
