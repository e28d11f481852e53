{#-
    What each ad platform claims against what the store attributes to it, one row per month x platform with ad
    delivery or attributed orders:
    - platform side (fct_ad_performance_daily's sources, on the ad account's day): spend, platform_conversions
      (purchases as the platform reports them at the run date, restated for up to 28 days) and
      platform_conversion_value (reporting currency, converted per ad row);
    - store side: store_orders (orders attributed to one of the platform's campaigns, by utm or a campaign promo
      code, on the order date) and store_revenue (their net sales on the order date minus refunds on the refund
      date). Orders attributed to the platform's channel without a campaign (a referrer, an untagged utm_campaign)
      are not the platform's campaigns' and do not count.
    Differences are platform - store; ratios platform / store (null when the store side is 0); platform_roas =
    platform_conversion_value / spend and store_roas = store_revenue / spend (null without spend).
-#}
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

parts as (

    select
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
        platform,
        spend,
        platform_conversions,
        platform_conversion_value,
        0 as store_orders,
        0 as store_revenue
    from ad_performance

    union all

    select
        cast({{ dbt.date_trunc('month', 'revenue_events.event_date') }} as date) as month_start_date,
        campaigns.platform,
        0 as spend,
        0 as platform_conversions,
        0 as platform_conversion_value,
        revenue_events.orders as store_orders,
        revenue_events.amount as store_revenue
    from revenue_events
    inner join campaigns
        on revenue_events.campaign_key = campaigns.campaign_key

),

monthly as (

    select
        month_start_date,
        platform,
        sum(spend) as spend,
        sum(platform_conversions) as platform_conversions,
        sum(platform_conversion_value) as platform_conversion_value,
        sum(store_orders) as store_orders,
        sum(store_revenue) as store_revenue
    from parts
    group by month_start_date, platform

),

final as (

    select
        cast(month_start_date as date) as month,
        cast(platform as varchar) as platform,
        cast(spend as numeric(18, 2)) as spend,
        cast(platform_conversions as double precision) as platform_conversions,
        cast(platform_conversion_value as numeric(18, 2)) as platform_conversion_value,
        cast(store_orders as bigint) as store_orders,
        cast(store_revenue as numeric(18, 2)) as store_revenue,
        cast(platform_conversions - store_orders as double precision) as conversions_difference,
        cast(platform_conversion_value - store_revenue as numeric(18, 2)) as conversion_value_difference,
        cast({{ safe_divide('platform_conversions', 'store_orders') }} as double precision) as conversions_ratio,
        cast({{ safe_divide('platform_conversion_value', 'store_revenue') }} as double precision)
            as conversion_value_ratio,
        cast({{ safe_divide('platform_conversion_value', 'spend') }} as double precision) as platform_roas,
        cast({{ safe_divide('store_revenue', 'spend') }} as double precision) as store_roas
    from monthly

)

select * from final
