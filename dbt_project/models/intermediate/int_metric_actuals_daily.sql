{#-
    The additive parts of every target metric, one row per day x channel x segment, for rpt_monthly_targets:
    store (revenue events by the order's channel and customer segment), ads (spend by the campaign's channel and
    segment) and organic (segment null: organic activity has no audience segment), traffic (GA4 sessions by channel
    and the matched campaign's segment). *_rows count the source rows, so the report can tell "no data" from zero.
    Ratios are computed in the report from the summed parts.
-#}
with

revenue_events as (

    select * from {{ ref('int_order_revenue_events') }}

),

ad_performance as (

    select * from {{ ref('int_ad_performance_unioned') }}

),

campaigns as (

    select * from {{ ref('int_campaigns_segmented') }}

),

organic as (

    select * from {{ ref('int_organic_daily_unioned') }}

),

traffic as (

    select * from {{ ref('int_ga4__traffic_attributed') }}

),

parts as (

    select
        event_date as date_day,
        channel,
        customer_segment as segment,
        amount as revenue,
        orders,
        new_customers,
        cast(0 as numeric(18, 2)) as spend,
        0 as followers_gained,
        0 as engagements,
        0 as engagement_denominator,
        1 as store_rows,
        0 as ad_rows,
        0 as organic_rows,
        0 as sessions,
        0 as traffic_rows
    from revenue_events

    union all

    select
        ad_performance.date_day,
        ad_performance.channel,
        coalesce(campaigns.segment, 'unassigned') as segment,
        0 as revenue,
        0 as orders,
        0 as new_customers,
        ad_performance.spend,
        0 as followers_gained,
        0 as engagements,
        0 as engagement_denominator,
        0 as store_rows,
        1 as ad_rows,
        0 as organic_rows,
        0 as sessions,
        0 as traffic_rows
    from ad_performance
    left join campaigns
        on ad_performance.campaign_key = campaigns.campaign_key

    union all

    select
        date_day,
        channel,
        cast(null as varchar) as segment,
        0 as revenue,
        0 as orders,
        0 as new_customers,
        0 as spend,
        followers_gained,
        engagements,
        engagement_denominator,
        0 as store_rows,
        0 as ad_rows,
        1 as organic_rows,
        0 as sessions,
        0 as traffic_rows
    from organic

    union all

    select
        date_day,
        channel,
        segment,
        0 as revenue,
        0 as orders,
        0 as new_customers,
        0 as spend,
        0 as followers_gained,
        0 as engagements,
        0 as engagement_denominator,
        0 as store_rows,
        0 as ad_rows,
        0 as organic_rows,
        sessions,
        1 as traffic_rows
    from traffic

),

aggregated as (

    select
        date_day,
        channel,
        segment,
        sum(revenue) as revenue,
        sum(orders) as orders,
        sum(new_customers) as new_customers,
        sum(spend) as spend,
        sum(followers_gained) as followers_gained,
        sum(engagements) as engagements,
        sum(engagement_denominator) as engagement_denominator,
        sum(store_rows) as store_rows,
        sum(ad_rows) as ad_rows,
        sum(organic_rows) as organic_rows,
        sum(sessions) as sessions,
        sum(traffic_rows) as traffic_rows
    from parts
    group by date_day, channel, segment

)

select * from aggregated
