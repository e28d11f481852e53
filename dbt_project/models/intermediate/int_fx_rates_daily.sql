{#-
    One row per day x currency: the rate that converts an amount in currency_code into the reporting currency
    (amount_local * rate_to_reporting). For each day the last rate dated on or before it is carried forward.
    Direct pairs (base = currency, quote = reporting) win over inverse pairs (base = reporting, quote = currency,
    1 / rate). The reporting currency converts to itself at 1 on every day.
    A currency with no pair to the reporting currency, or a day before its first rate, has no row: the joins in
    int_ad_performance_unioned and int_order_revenue_events then leave fx_rate null, and their fx_rate tests fail.
-#}
{%- set reporting_currency = var('reporting_currency') | upper -%}

with

fx_rates as (

    select * from {{ ref('stg_inputs__fx_rates') }}

),

pair_rates as (

    select
        rate_date,
        base_currency_code as currency_code,
        cast(rate as numeric(38, 18)) as rate_to_reporting,
        'direct' as rate_method,
        1 as method_priority
    from fx_rates
    where quote_currency_code = '{{ reporting_currency }}'
      and base_currency_code <> '{{ reporting_currency }}'

    union all

    select
        rate_date,
        quote_currency_code as currency_code,
        cast(1.0 / cast(rate as double precision) as numeric(38, 18)) as rate_to_reporting,
        'inverse' as rate_method,
        2 as method_priority
    from fx_rates
    where base_currency_code = '{{ reporting_currency }}'
      and quote_currency_code <> '{{ reporting_currency }}'
      and rate <> 0

),

ranked_rates as (

    select
        *,
        row_number() over (
            partition by currency_code, rate_date
            order by method_priority
        ) as rate_rank
    from pair_rates

),

rate_periods as (

    select
        currency_code,
        rate_date,
        rate_to_reporting,
        rate_method,
        lead(rate_date) over (partition by currency_code order by rate_date) as next_rate_date
    from ranked_rates
    where rate_rank = 1

),

date_spine as (

    {{ day_spine(
        "least(cast('" ~ var('calendar_start_date') ~ "' as date), coalesce((select min(rate_date) from fx_rates), cast('" ~ var('calendar_start_date') ~ "' as date)))",
        "greatest(" ~ run_date() ~ ", coalesce((select max(rate_date) from fx_rates), " ~ run_date() ~ "))"
    ) }}

),

carried_forward as (

    select
        date_spine.date_day,
        rate_periods.currency_code,
        rate_periods.rate_to_reporting,
        rate_periods.rate_method,
        rate_periods.rate_date
    from date_spine
    inner join rate_periods
        on date_spine.date_day >= rate_periods.rate_date
        and (rate_periods.next_rate_date is null or date_spine.date_day < rate_periods.next_rate_date)

),

reporting_identity as (

    select
        date_day,
        '{{ reporting_currency }}' as currency_code,
        cast(1 as numeric(38, 18)) as rate_to_reporting,
        'identity' as rate_method,
        cast(null as date) as rate_date
    from date_spine

),

unioned as (

    select * from carried_forward
    union all
    select * from reporting_identity

)

select * from unioned
