with

organic as (

    select * from {{ ref('int_organic_daily_unioned') }}

),

ad_performance as (

    select * from {{ ref('int_ad_performance_unioned') }}

),

revenue_events as (

    select * from {{ ref('int_order_revenue_events') }}

),

traffic as (

    select * from {{ ref('int_ga4__traffic_attributed') }}

),

traffic_coverage as (

    select count(*) > 0 as has_traffic_data from traffic

),

organic_daily as (

    select
        channel,
        date_day,
        sum(posts_published) as posts_published,
        sum(organic_impressions) as organic_impressions,
        sum(engagements) as engagements,
        sum(followers_total) as followers_total,
        sum(followers_gained) as followers_gained,
        0 as spend,
        0 as impressions,
        0 as clicks,
        0 as attributed_orders,
        0 as attributed_revenue,
        0 as attributed_new_customers,
        cast(null as bigint) as sessions
    from organic
    group by channel, date_day

),

ad_daily as (

    select
        channel,
        date_day,
        0 as posts_published,
        0 as organic_impressions,
        0 as engagements,
        cast(null as bigint) as followers_total,
        cast(null as bigint) as followers_gained,
        sum(spend) as spend,
        sum(impressions) as impressions,
        sum(clicks) as clicks,
        0 as attributed_orders,
        0 as attributed_revenue,
        0 as attributed_new_customers,
        cast(null as bigint) as sessions
    from ad_performance
    group by channel, date_day

),

revenue_daily as (

    select
        channel,
        event_date as date_day,
        0 as posts_published,
        0 as organic_impressions,
        0 as engagements,
        cast(null as bigint) as followers_total,
        cast(null as bigint) as followers_gained,
        0 as spend,
        0 as impressions,
        0 as clicks,
        sum(orders) as attributed_orders,
        sum(amount) as attributed_revenue,
        sum(new_customers) as attributed_new_customers,
        cast(null as bigint) as sessions
    from revenue_events
    group by channel, event_date

),

sessions_daily as (

    select
        channel,
        date_day,
        0 as posts_published,
        0 as organic_impressions,
        0 as engagements,
        cast(null as bigint) as followers_total,
        cast(null as bigint) as followers_gained,
        0 as spend,
        0 as impressions,
        0 as clicks,
        0 as attributed_orders,
        0 as attributed_revenue,
        0 as attributed_new_customers,
        sum(sessions) as sessions
    from traffic
    group by channel, date_day

),

combined as (

    select
        channel,
        date_day,
        sum(posts_published) as posts_published,
        sum(organic_impressions) as organic_impressions,
        sum(engagements) as engagements,
        sum(followers_total) as followers_total,
        sum(followers_gained) as followers_gained,
        sum(spend) as spend,
        sum(impressions) as impressions,
        sum(clicks) as clicks,
        sum(attributed_orders) as attributed_orders,
        sum(attributed_revenue) as attributed_revenue,
        sum(attributed_new_customers) as attributed_new_customers,
        sum(sessions) as sessions
    from (
        select * from organic_daily
        union all
        select * from ad_daily
        union all
        select * from revenue_daily
        union all
        select * from sessions_daily
    ) as unioned
    group by channel, date_day

),

final as (

    select
        cast(date_day as date) as date_day,
        cast(channel as varchar) as channel,
        cast(posts_published as bigint) as posts_published,
        cast(organic_impressions as bigint) as organic_impressions,
        cast(engagements as bigint) as engagements,
        cast(followers_total as bigint) as followers_total,
        cast(followers_gained as bigint) as followers_gained,
        cast(spend as numeric(18, 2)) as spend,
        cast(impressions as bigint) as impressions,
        cast(clicks as bigint) as clicks,
        -- null when no GA4 data is loaded at all; 0 for a channel day without sessions otherwise.
        cast(case when traffic_coverage.has_traffic_data then coalesce(sessions, 0) end as bigint) as sessions,
        cast(attributed_orders as bigint) as attributed_orders,
        cast(attributed_revenue as numeric(18, 2)) as attributed_revenue,
        cast(attributed_new_customers as bigint) as attributed_new_customers
    from combined
    cross join traffic_coverage

)

select * from final
