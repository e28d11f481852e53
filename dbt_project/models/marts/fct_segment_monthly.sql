{#-
    The segment mart, one row per month x segment with any spend, store revenue event or GA4 session:
    - spend: ad rows (account-timezone day) of the campaigns of the segment (int_campaigns_segmented);
    - revenue, orders, new_customers: revenue events of the orders whose customer_segment it is (orders on the order
      date, refunds on the refund date); customers: distinct shop x customer_id with an order that month (so not
      additive across segments or months);
    - sessions: GA4 sessions matched to a campaign of the segment (like the orders' UTMs); sessions matched to no
      campaign count as `unassigned`. Null when no GA4 data is loaded at all.
    Ratios from the summed parts, null when the denominator is 0: CAC = spend / new customers, ROAS = revenue /
    spend, conversion rate = orders / sessions.
-#}
with

revenue_events as (

    select * from {{ ref('int_order_revenue_events') }}

),

orders as (

    select * from {{ ref('fct_orders_attributed') }}

),

ad_performance as (

    select * from {{ ref('int_ad_performance_unioned') }}

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

parts as (

    select
        cast({{ dbt.date_trunc('month', 'event_date') }} as date) as month_start_date,
        customer_segment as segment,
        cast(0 as numeric(18, 2)) as spend,
        amount as revenue,
        orders,
        new_customers,
        0 as sessions
    from revenue_events

    union all

    select
        cast({{ dbt.date_trunc('month', 'ad_performance.date_day') }} as date) as month_start_date,
        coalesce(campaigns.segment, 'unassigned') as segment,
        ad_performance.spend,
        0 as revenue,
        0 as orders,
        0 as new_customers,
        0 as sessions
    from ad_performance
    left join campaigns
        on ad_performance.campaign_key = campaigns.campaign_key

    union all

    select
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
        segment,
        0 as spend,
        0 as revenue,
        0 as orders,
        0 as new_customers,
        sessions
    from traffic

),

monthly as (

    select
        month_start_date,
        segment,
        sum(spend) as spend,
        sum(revenue) as revenue,
        sum(orders) as orders,
        sum(new_customers) as new_customers,
        sum(sessions) as sessions
    from parts
    group by month_start_date, segment

),

customers as (

    select
        cast({{ dbt.date_trunc('month', 'order_date') }} as date) as month_start_date,
        customer_segment as segment,
        count(distinct {{ dbt.concat(['shop', "':'", 'customer_id']) }}) as customers
    from orders
    where customer_id is not null
    group by cast({{ dbt.date_trunc('month', 'order_date') }} as date), customer_segment

),

final as (

    select
        cast(monthly.month_start_date as date) as month,
        cast(monthly.segment as varchar) as segment,
        cast(monthly.spend as numeric(18, 2)) as spend,
        cast(monthly.revenue as numeric(18, 2)) as revenue,
        cast(monthly.orders as bigint) as orders,
        cast(coalesce(customers.customers, 0) as bigint) as customers,
        cast(monthly.new_customers as bigint) as new_customers,
        cast(case when traffic_coverage.has_traffic_data then monthly.sessions end as bigint) as sessions,
        cast({{ safe_divide('monthly.spend', 'monthly.new_customers') }} as double precision) as cac,
        cast({{ safe_divide('monthly.revenue', 'monthly.spend') }} as double precision) as roas,
        cast(
            case when traffic_coverage.has_traffic_data then {{ safe_divide('monthly.orders', 'monthly.sessions') }} end
            as double precision
        ) as conversion_rate
    from monthly
    left join customers
        on monthly.month_start_date = customers.month_start_date
        and monthly.segment = customers.segment
    cross join traffic_coverage

)

select * from final
