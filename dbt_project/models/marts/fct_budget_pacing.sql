{#-
    Spend against budget with linear pacing, one row per month x channel of inputs/budgets.csv whose month has
    started (int_budgets_converted). Channel 'all' is every channel's ad spend together.
    - spend_to_date: ad spend (reporting currency, each ad row converted at its day's rate) of the channel on the
      month's days before var run_date; for a closed month the whole month, so the final spend.
    - days_elapsed: the month's days before run_date (days_in_month once the month is closed).
    - expected_spend_to_date = budget x days_elapsed / days_in_month (a budget spent evenly over the month).
    - pacing_ratio = spend_to_date / expected_spend_to_date, computed unrounded (spend_to_date x days_in_month /
      (budget x days_elapsed)); null when the budget is 0.
    - projected_spend = spend_to_date / days_elapsed x days_in_month (the final spend once the month is closed);
      projected_vs_budget = projected_spend - budget (positive: heading over budget).
    - pacing_status: pacing_ratio below var budget_under_pacing_below -> under_pacing, above var
      budget_over_pacing_above -> over_pacing, else on_pace; a budget of 0 is over_pacing once anything is spent.
    Money is rounded half away from zero to the cent, exactly (macro prorate_money).
-#}
{%- set under_pacing_below = var('budget_under_pacing_below') -%}
{%- set over_pacing_above = var('budget_over_pacing_above') -%}

with

budgets as (

    select * from {{ ref('int_budgets_converted') }}

),

ad_performance as (

    select * from {{ ref('int_ad_performance_unioned') }}
    where date_day < {{ run_date() }}

),

channel_spend as (

    select
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as spend_month,
        channel,
        sum(spend) as spend
    from ad_performance
    group by cast({{ dbt.date_trunc('month', 'date_day') }} as date), channel

),

monthly_spend as (

    select spend_month, channel, spend from channel_spend

    union all

    select
        spend_month,
        'all' as channel,
        sum(spend) as spend
    from channel_spend
    group by spend_month

),

calendar as (

    select
        budgets.*,
        cast({{ dbt.datediff('budgets.budget_month', dbt.dateadd('month', 1, 'budgets.budget_month'), 'day') }}
            as integer) as days_in_month,
        cast({{ dbt.dateadd('month', 1, 'budgets.budget_month') }} as date) <= {{ run_date() }} as is_month_closed,
        cast({{ dbt.datediff('budgets.budget_month', run_date(), 'day') }} as integer) as days_since_month_start
    from budgets

),

paced as (

    select
        calendar.budget_month,
        calendar.channel,
        calendar.currency_code,
        calendar.budget_local,
        calendar.fx_rate,
        calendar.budget,
        cast(coalesce(monthly_spend.spend, 0) as numeric(18, 2)) as spend_to_date,
        case
            when calendar.is_month_closed then calendar.days_in_month
            else calendar.days_since_month_start
        end as days_elapsed,
        calendar.days_in_month,
        calendar.is_month_closed
    from calendar
    left join monthly_spend
        on calendar.budget_month = monthly_spend.spend_month
        and calendar.channel = monthly_spend.channel

),

measured as (

    select
        paced.*,
        {{ prorate_money('paced.budget', 'paced.days_elapsed', 'paced.days_in_month') }} as expected_spend_to_date,
        case
            when paced.is_month_closed then paced.spend_to_date
            else {{ prorate_money('paced.spend_to_date', 'paced.days_in_month', 'paced.days_elapsed') }}
        end as projected_spend,
        {{ safe_divide('paced.spend_to_date * paced.days_in_month', 'paced.budget * paced.days_elapsed') }}
            as pacing_ratio
    from paced

),

final as (

    select
        cast(budget_month as date) as month,
        cast(channel as varchar) as channel,
        cast(currency_code as varchar) as currency_code,
        cast(budget_local as numeric(18, 2)) as budget_local,
        cast(fx_rate as numeric(38, 18)) as fx_rate,
        cast(budget as numeric(18, 2)) as budget,
        cast(spend_to_date as numeric(18, 2)) as spend_to_date,
        cast(days_elapsed as integer) as days_elapsed,
        cast(days_in_month as integer) as days_in_month,
        cast(expected_spend_to_date as numeric(18, 2)) as expected_spend_to_date,
        cast(pacing_ratio as double precision) as pacing_ratio,
        cast(projected_spend as numeric(18, 2)) as projected_spend,
        cast(projected_spend - budget as numeric(18, 2)) as projected_vs_budget,
        cast(
            case
                when pacing_ratio is null then case when spend_to_date > 0 then 'over_pacing' else 'on_pace' end
                when pacing_ratio < {{ under_pacing_below }} then 'under_pacing'
                when pacing_ratio > {{ over_pacing_above }} then 'over_pacing'
                else 'on_pace'
            end as varchar
        ) as pacing_status,
        cast(is_month_closed as boolean) as is_month_closed
    from measured

)

select * from final
