{#-
    Money is converted per ad day, as int_ad_performance_unioned converts the ad's row: the ad day's breakdown total
    (in the account currency) at the FX rate of its day, rounded to the cent once. Its age x gender rows (in
    age_range, gender order) share it by running total (macro cents_of_running_total): each row is within a cent of
    its own conversion, and the ad day's rows add up to it exactly. So where a platform's breakdown adds up to its
    ad row (as the sandbox's does), the ad day's rows add up to fct_ad_performance_daily in the reporting currency
    too, not only in the account currency. One window over the breakdown rows, shared by both amounts.
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

exact as (

    select
        *,
        cast(spend_local as numeric(18, 2)) * fx_rate as spend_exact,
        cast(platform_conversion_value_local as numeric(18, 2)) * fx_rate as platform_conversion_value_exact
    from breakdown

),

running as (

    select
        *,
        sum(spend_exact) over ad_day_so_far as spend_running,
        sum(platform_conversion_value_exact) over ad_day_so_far as platform_conversion_value_running
    from exact
    window ad_day_so_far as (
        partition by platform, account_id, ad_id, date_day
        order by age_range, gender
        rows between unbounded preceding and current row
    )

),

demographics as (

    select
        *,
        {{ cents_of_running_total('spend') }} as spend,
        {{ cents_of_running_total('platform_conversion_value') }} as platform_conversion_value
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
