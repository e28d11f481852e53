{#-
    Targets joined to actuals, one row per month x metric x channel x segment of raw_inputs.targets.
    channel 'all' / segment 'all' are totals. Actuals count the days before var('run_date') only.
    Metric sources: store (revenue, orders, new_customers), ads (spend; roas and cpa with store revenue/orders),
    organic (followers_gained, engagement_rate; segment 'all' only), traffic (sessions from GA4, by channel and the
    matched campaign's segment; conversion_rate = attributed orders / sessions).
    An actual is null ("no data") when its source has no rows in the month (for ads and organic: for that
    channel). Ratios are recomputed from the summed parts; division by zero gives null.
-#}
{%- set ratio_metrics = ['roas', 'cpa', 'engagement_rate', 'conversion_rate'] -%}
{%- set lower_is_better = ['cpa'] -%}

with

targets as (

    select * from {{ ref('stg_inputs__targets') }}

),

actuals_daily as (

    select * from {{ ref('int_metric_actuals_daily') }}
    where date_day < {{ run_date() }}

),

actuals_monthly as (

    select
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
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
    from actuals_daily
    group by cast({{ dbt.date_trunc('month', 'date_day') }} as date), channel, segment

),

target_parts as (

    select
        targets.target_month,
        targets.metric,
        targets.channel,
        targets.segment,
        sum(actuals_monthly.revenue) as revenue,
        sum(actuals_monthly.orders) as orders,
        sum(actuals_monthly.new_customers) as new_customers,
        sum(actuals_monthly.spend) as spend,
        sum(actuals_monthly.followers_gained) as followers_gained,
        sum(actuals_monthly.engagements) as engagements,
        sum(actuals_monthly.engagement_denominator) as engagement_denominator,
        sum(actuals_monthly.sessions) as sessions
    from targets
    left join actuals_monthly
        on actuals_monthly.month_start = targets.target_month
        and (targets.channel = 'all' or actuals_monthly.channel = targets.channel)
        and (targets.segment = 'all' or actuals_monthly.segment = targets.segment)
    group by targets.target_month, targets.metric, targets.channel, targets.segment

),

source_coverage as (

    select
        targets.target_month,
        targets.metric,
        targets.channel,
        targets.segment,
        coalesce(sum(actuals_monthly.ad_rows), 0) > 0 as has_ad_data,
        coalesce(sum(actuals_monthly.organic_rows), 0) > 0 and targets.segment = 'all' as has_organic_data
    from targets
    left join actuals_monthly
        on actuals_monthly.month_start = targets.target_month
        and (targets.channel = 'all' or actuals_monthly.channel = targets.channel)
    group by targets.target_month, targets.metric, targets.channel, targets.segment

),

store_coverage as (

    select
        month_start,
        sum(store_rows) > 0 as has_store_data,
        sum(traffic_rows) > 0 as has_traffic_data
    from actuals_monthly
    group by month_start

),

actuals as (

    select
        target_parts.target_month,
        target_parts.metric,
        target_parts.channel,
        target_parts.segment,
        case target_parts.metric
            when 'revenue' then case when store_coverage.has_store_data
                then cast(coalesce(target_parts.revenue, 0) as double precision) end
            when 'orders' then case when store_coverage.has_store_data
                then cast(coalesce(target_parts.orders, 0) as double precision) end
            when 'new_customers' then case when store_coverage.has_store_data
                then cast(coalesce(target_parts.new_customers, 0) as double precision) end
            when 'spend' then case when source_coverage.has_ad_data
                then cast(coalesce(target_parts.spend, 0) as double precision) end
            when 'roas' then case when source_coverage.has_ad_data
                then {{ safe_divide('coalesce(target_parts.revenue, 0)', 'target_parts.spend') }} end
            when 'cpa' then case when source_coverage.has_ad_data
                then {{ safe_divide('target_parts.spend', 'target_parts.orders') }} end
            when 'followers_gained' then case when source_coverage.has_organic_data
                then cast(target_parts.followers_gained as double precision) end
            when 'sessions' then case when store_coverage.has_traffic_data
                then cast(coalesce(target_parts.sessions, 0) as double precision) end
            when 'conversion_rate' then case when store_coverage.has_store_data and store_coverage.has_traffic_data
                then {{ safe_divide('coalesce(target_parts.orders, 0)', 'target_parts.sessions') }} end
            when 'engagement_rate' then case when source_coverage.has_organic_data
                then {{ safe_divide('target_parts.engagements', 'target_parts.engagement_denominator') }} end
        end as actual
    from target_parts
    inner join source_coverage
        on target_parts.target_month = source_coverage.target_month
        and target_parts.metric = source_coverage.metric
        and target_parts.channel = source_coverage.channel
        and target_parts.segment = source_coverage.segment
    left join store_coverage
        on target_parts.target_month = store_coverage.month_start

),

calendar as (

    select
        targets.target_month,
        targets.metric,
        targets.channel,
        targets.segment,
        targets.target,
        cast({{ dbt.datediff('targets.target_month', dbt.dateadd('month', 1, 'targets.target_month'), 'day') }}
            as integer) as days_in_month,
        cast({{ dbt.dateadd('month', 1, 'targets.target_month') }} as date) <= {{ run_date() }} as is_month_closed,
        {{ dbt.datediff('targets.target_month', run_date(), 'day') }} as days_since_month_start
    from targets

),

projected as (

    select
        calendar.target_month,
        calendar.metric,
        calendar.channel,
        calendar.segment,
        calendar.target,
        actuals.actual,
        calendar.days_in_month,
        case
            when calendar.is_month_closed then calendar.days_in_month
            when calendar.days_since_month_start <= 0 then 0
            else calendar.days_since_month_start
        end as days_elapsed,
        calendar.is_month_closed
    from calendar
    inner join actuals
        on calendar.target_month = actuals.target_month
        and calendar.metric = actuals.metric
        and calendar.channel = actuals.channel
        and calendar.segment = actuals.segment

),

with_projection as (

    select
        projected.*,
        case
            when is_month_closed then actual
            when metric in ('{{ ratio_metrics | join("', '") }}') then actual
            else actual / nullif(days_elapsed, 0) * days_in_month
        end as projection
    from projected

),

with_attainment as (

    select
        with_projection.*,
        case
            when metric in ('{{ lower_is_better | join("', '") }}') then {{ safe_divide('target', 'actual') }}
            else {{ safe_divide('actual', 'target') }}
        end as attainment,
        case
            when metric in ('{{ lower_is_better | join("', '") }}') then {{ safe_divide('target', 'projection') }}
            else {{ safe_divide('projection', 'target') }}
        end as projected_attainment
    from with_projection

),

final as (

    select
        cast(target_month as date) as month,
        cast(metric as varchar) as metric,
        cast(channel as varchar) as channel,
        cast(segment as varchar) as segment,
        cast(target as double precision) as target,
        cast(actual as double precision) as actual,
        cast(attainment as double precision) as attainment,
        cast(days_elapsed as integer) as days_elapsed,
        cast(days_in_month as integer) as days_in_month,
        cast(projection as double precision) as projection,
        cast(projected_attainment as double precision) as projected_attainment,
        cast(
            case
                when actual is null or projected_attainment is null then 'no_data'
                when projected_attainment >= {{ var('target_on_track_min') }} then 'on_track'
                when projected_attainment >= {{ var('target_at_risk_min') }} then 'at_risk'
                else 'off_track'
            end as varchar
        ) as status,
        cast(is_month_closed as boolean) as is_month_closed
    from with_attainment

)

select * from final
