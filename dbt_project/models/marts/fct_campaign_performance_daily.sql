with

ad_performance as (

    select * from {{ ref('int_ad_performance_unioned') }}

),

revenue_events as (

    select * from {{ ref('int_order_revenue_events') }}

),

campaigns as (

    select * from {{ ref('int_campaigns_segmented') }}

),

traffic as (

    select * from {{ ref('int_ga4__traffic_attributed') }}

),

traffic_coverage as (

    select count(*) > 0 as has_traffic_data from traffic

),

ad_daily as (

    select
        campaign_key,
        date_day,
        sum(spend) as spend,
        sum(impressions) as impressions,
        sum(clicks) as clicks,
        sum(platform_conversions) as platform_conversions,
        sum(platform_conversion_value) as platform_conversion_value,
        0 as attributed_orders,
        0 as attributed_revenue,
        0 as attributed_new_customers,
        cast(null as bigint) as sessions
    from ad_performance
    group by campaign_key, date_day

),

revenue_daily as (

    select
        campaign_key,
        event_date as date_day,
        0 as spend,
        0 as impressions,
        0 as clicks,
        0 as platform_conversions,
        0 as platform_conversion_value,
        sum(orders) as attributed_orders,
        sum(amount) as attributed_revenue,
        sum(new_customers) as attributed_new_customers,
        cast(null as bigint) as sessions
    from revenue_events
    where campaign_key is not null
    group by campaign_key, event_date

),

sessions_daily as (

    select
        campaign_key,
        date_day,
        0 as spend,
        0 as impressions,
        0 as clicks,
        0 as platform_conversions,
        0 as platform_conversion_value,
        0 as attributed_orders,
        0 as attributed_revenue,
        0 as attributed_new_customers,
        sum(sessions) as sessions
    from traffic
    where campaign_key is not null
    group by campaign_key, date_day

),

combined as (

    select
        campaign_key,
        date_day,
        sum(spend) as spend,
        sum(impressions) as impressions,
        sum(clicks) as clicks,
        sum(platform_conversions) as platform_conversions,
        sum(platform_conversion_value) as platform_conversion_value,
        sum(attributed_orders) as attributed_orders,
        sum(attributed_revenue) as attributed_revenue,
        sum(attributed_new_customers) as attributed_new_customers,
        sum(sessions) as sessions
    from (
        select * from ad_daily
        union all
        select * from revenue_daily
        union all
        select * from sessions_daily
    ) as unioned
    group by campaign_key, date_day

),

final as (

    select
        cast(combined.date_day as date) as date_day,
        cast(combined.campaign_key as varchar) as campaign_key,
        cast(campaigns.campaign_id as varchar) as campaign_id,
        cast(campaigns.platform as varchar) as platform,
        cast(campaigns.channel as varchar) as channel,
        cast(coalesce(campaigns.segment, 'unassigned') as varchar) as segment,
        cast(combined.spend as numeric(18, 2)) as spend,
        cast(combined.impressions as bigint) as impressions,
        cast(combined.clicks as bigint) as clicks,
        cast(combined.platform_conversions as double precision) as platform_conversions,
        cast(combined.platform_conversion_value as numeric(18, 2)) as platform_conversion_value,
        -- null when no GA4 data is loaded at all; 0 for a campaign day without sessions otherwise.
        cast(case when traffic_coverage.has_traffic_data then coalesce(combined.sessions, 0) end as bigint)
            as sessions,
        cast(combined.attributed_orders as bigint) as attributed_orders,
        cast(combined.attributed_revenue as numeric(18, 2)) as attributed_revenue,
        cast(combined.attributed_new_customers as bigint) as attributed_new_customers
    from combined
    left join campaigns
        on combined.campaign_key = campaigns.campaign_key
    cross join traffic_coverage

)

select * from final
