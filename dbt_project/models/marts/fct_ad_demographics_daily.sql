{#- Incremental: a nightly run rebuilds only the days from rebuild_from on (macros/rebuild_window.sql). -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_rebuild_window() }}",
    full_refresh=(true if target.type != 'duckdb' else none),
) }}
with

demographics as (

    select * from {{ ref('int_ad_demographics_unioned') }}
    {{ rebuild_window_filter() }}

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
