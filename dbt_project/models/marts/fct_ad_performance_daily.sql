{#- Incremental: a nightly run rebuilds only the days from rebuild_from on (macros/rebuild_window.sql). -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_rebuild_window() }}",
    full_refresh=(true if target.type != 'duckdb' else none),
) }}
with

ad_performance as (

    select * from {{ ref('int_ad_performance_unioned') }}
    {{ rebuild_window_filter() }}

),

final as (

    select
        cast(date_day as date) as date_day,
        cast(platform as varchar) as platform,
        cast(account_id as varchar) as account_id,
        cast(account_timezone as varchar) as account_timezone,
        cast(campaign_key as varchar) as campaign_key,
        cast(campaign_id as varchar) as campaign_id,
        cast(ad_group_id as varchar) as ad_group_id,
        cast(ad_id as varchar) as ad_id,
        cast(currency_code as varchar) as currency_code,
        cast(spend as numeric(18, 2)) as spend,
        cast(spend_local as numeric(18, 2)) as spend_local,
        cast(impressions as bigint) as impressions,
        cast(clicks as bigint) as clicks,
        cast(platform_conversions as double precision) as platform_conversions,
        cast(platform_conversion_value as numeric(18, 2)) as platform_conversion_value,
        cast(platform_conversion_value_local as numeric(18, 2)) as platform_conversion_value_local,
        cast(video_views as bigint) as video_views,
        cast(reach as bigint) as reach
    from ad_performance

)

select * from final
