{#-
    Weekly campaign revenue, one row per ISO week x campaign, from the campaign's first week with spend or
    attributed revenue to its last one (weeks in between without activity are rows of zeros, so week-over-week
    changes always compare consecutive weeks). Weeks are ISO weeks (Monday to Sunday, dim_date): spend on the ad
    account's day, attributed orders on the order date, attributed revenue on the order date minus refunds on the
    refund date. ROAS = revenue / spend and CPA = spend / orders from the week's sums (null when the denominator is
    0). *_wow_change = this week - the previous week (null for the campaign's first week; for ROAS also when
    either week has no spend); *_wow_pct = the change / the previous week (null when that is 0).
    is_complete_week: the whole week lies before the run date.
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

calendar as (

    select * from {{ ref('dim_date') }}

),

iso_weeks as (

    select distinct
        week_start_date,
        {{ dbt.concat([
            "cast(iso_year as " ~ dbt.type_string() ~ ")",
            "'-W'",
            "lpad(cast(iso_week as " ~ dbt.type_string() ~ "), 2, '0')",
        ]) }} as iso_week
    from calendar

),

activity as (

    select
        calendar.week_start_date,
        ad_performance.campaign_key,
        ad_performance.spend,
        0 as attributed_revenue,
        0 as attributed_orders
    from ad_performance
    inner join calendar
        on ad_performance.date_day = calendar.date_day

    union all

    select
        calendar.week_start_date,
        revenue_events.campaign_key,
        0 as spend,
        revenue_events.amount as attributed_revenue,
        revenue_events.orders as attributed_orders
    from revenue_events
    inner join calendar
        on revenue_events.event_date = calendar.date_day
    where revenue_events.campaign_key is not null

),

weekly as (

    select
        week_start_date,
        campaign_key,
        sum(spend) as spend,
        sum(attributed_revenue) as attributed_revenue,
        sum(attributed_orders) as attributed_orders
    from activity
    group by week_start_date, campaign_key

),

campaign_span as (

    select
        campaign_key,
        min(week_start_date) as first_week_start_date,
        max(week_start_date) as last_week_start_date
    from weekly
    group by campaign_key

),

campaign_weeks as (

    select
        iso_weeks.week_start_date,
        iso_weeks.iso_week,
        campaign_span.campaign_key,
        coalesce(weekly.spend, 0) as spend,
        coalesce(weekly.attributed_revenue, 0) as attributed_revenue,
        coalesce(weekly.attributed_orders, 0) as attributed_orders
    from campaign_span
    inner join iso_weeks
        on iso_weeks.week_start_date between campaign_span.first_week_start_date
            and campaign_span.last_week_start_date
    left join weekly
        on campaign_span.campaign_key = weekly.campaign_key
        and iso_weeks.week_start_date = weekly.week_start_date

),

with_ratios as (

    select
        *,
        {{ safe_divide('attributed_revenue', 'spend') }} as roas,
        {{ safe_divide('spend', 'attributed_orders') }} as cpa
    from campaign_weeks

),

with_previous as (

    select
        *,
        lag(spend) over (partition by campaign_key order by week_start_date) as previous_spend,
        lag(attributed_revenue) over (partition by campaign_key order by week_start_date) as previous_revenue,
        lag(roas) over (partition by campaign_key order by week_start_date) as previous_roas
    from with_ratios

),

final as (

    select
        cast(with_previous.iso_week as varchar) as iso_week,
        cast(with_previous.week_start_date as date) as week_start_date,
        cast(
            {{ dbt.dateadd('day', 7, 'with_previous.week_start_date') }} <= {{ run_date() }} as boolean
        ) as is_complete_week,
        cast(with_previous.campaign_key as varchar) as campaign_key,
        cast(campaigns.campaign_id as varchar) as campaign_id,
        cast(campaigns.platform as varchar) as platform,
        cast(campaigns.channel as varchar) as channel,
        cast(campaigns.campaign_name as varchar) as campaign_name,
        cast(campaigns.initiative as varchar) as initiative,
        cast(campaigns.launch_month as date) as launch_month,
        cast(coalesce(campaigns.segment, 'unassigned') as varchar) as segment,
        cast(with_previous.spend as numeric(18, 2)) as spend,
        cast(with_previous.attributed_revenue as numeric(18, 2)) as attributed_revenue,
        cast(with_previous.attributed_orders as bigint) as attributed_orders,
        cast(with_previous.roas as double precision) as roas,
        cast(with_previous.cpa as double precision) as cpa,
        cast(with_previous.attributed_revenue - with_previous.previous_revenue as numeric(18, 2))
            as revenue_wow_change,
        cast(
            {{ safe_divide('with_previous.attributed_revenue - with_previous.previous_revenue',
                           'with_previous.previous_revenue') }} as double precision
        ) as revenue_wow_pct,
        cast(with_previous.spend - with_previous.previous_spend as numeric(18, 2)) as spend_wow_change,
        cast(
            {{ safe_divide('with_previous.spend - with_previous.previous_spend', 'with_previous.previous_spend') }}
            as double precision
        ) as spend_wow_pct,
        cast(with_previous.roas - with_previous.previous_roas as double precision) as roas_wow_change
    from with_previous
    left join campaigns
        on with_previous.campaign_key = campaigns.campaign_key

)

select * from final
