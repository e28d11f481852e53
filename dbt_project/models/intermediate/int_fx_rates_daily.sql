{#-
    One row per day x currency: the rate that converts an amount in currency_code into the reporting currency
    (amount_local * rate_to_reporting).
    The rates of one day for one currency, best first:
    1. by source: a rate from inputs/fx_rates.csv (rate_source fx_rates_csv) wins over one from an ECB file, so a
       hand-entered rate corrects the ECB's in any form;
    2. by method: direct (base = currency, quote = reporting) over inverse (base = reporting, quote = currency,
       1 / rate) over cross: a pivot currency P with P -> reporting and P -> currency on the same day in the same
       source gives rate(P -> reporting) / rate(P -> currency). The ECB quotes everything per EUR, so with ECB files
       GBP -> USD = (USD per EUR) / (GBP per EUR).
    For each day the best rate dated on or before it is carried forward: rate_date is the date of the rate used,
    rate_age_days the days from rate_date to date_day and is_carried_forward whether the day had no rate of its own
    (the gate warns about carried-forward rates that converted money). The reporting currency is 1 on every day.
    A currency with no rate, or a day before its first rate, has no row: the conversions' fx_rate_available tests
    then stop the run naming the currency and where it appears.
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
        1 as method_priority,
        rate_source
    from fx_rates
    where quote_currency_code = '{{ reporting_currency }}'
      and base_currency_code <> '{{ reporting_currency }}'

    union all

    select
        rate_date,
        quote_currency_code as currency_code,
        cast(1.0 / cast(rate as double precision) as numeric(38, 18)) as rate_to_reporting,
        'inverse' as rate_method,
        2 as method_priority,
        rate_source
    from fx_rates
    where base_currency_code = '{{ reporting_currency }}'
      and quote_currency_code <> '{{ reporting_currency }}'
      and rate <> 0

    union all

    select
        pivot_to_reporting.rate_date,
        pivot_to_currency.quote_currency_code as currency_code,
        cast(
            cast(pivot_to_reporting.rate as double precision) / cast(pivot_to_currency.rate as double precision)
            as numeric(38, 18)
        ) as rate_to_reporting,
        'cross' as rate_method,
        3 as method_priority,
        pivot_to_reporting.rate_source
    from fx_rates as pivot_to_reporting
    inner join fx_rates as pivot_to_currency
        on pivot_to_reporting.rate_date = pivot_to_currency.rate_date
        and pivot_to_reporting.base_currency_code = pivot_to_currency.base_currency_code
        and pivot_to_reporting.rate_source = pivot_to_currency.rate_source
    where pivot_to_reporting.quote_currency_code = '{{ reporting_currency }}'
      and pivot_to_reporting.base_currency_code <> '{{ reporting_currency }}'
      and pivot_to_currency.quote_currency_code <> '{{ reporting_currency }}'
      and pivot_to_currency.quote_currency_code <> pivot_to_currency.base_currency_code
      and pivot_to_currency.rate <> 0

),

ranked_rates as (

    select
        *,
        row_number() over (
            partition by currency_code, rate_date
            order by
                case when rate_source = 'fx_rates_csv' then 1 else 2 end,
                method_priority,
                rate_to_reporting
        ) as rate_rank
    from pair_rates

),

best_rates as (

    select
        currency_code,
        rate_date,
        rate_to_reporting,
        rate_method,
        rate_source
    from ranked_rates
    where rate_rank = 1

),

date_spine as (

    {{ day_spine(
        "least(cast('" ~ var('calendar_start_date') ~ "' as date), coalesce((select min(rate_date) from fx_rates), cast('" ~ var('calendar_start_date') ~ "' as date)))",
        "greatest(" ~ run_date() ~ ", coalesce((select max(rate_date) from fx_rates), " ~ run_date() ~ "))",
        max_days=16384
    ) }}

),

currencies as (

    select distinct currency_code from best_rates

),

currency_days as (

    select
        date_spine.date_day,
        currencies.currency_code,
        best_rates.rate_date as own_rate_date
    from date_spine
    cross join currencies
    left join best_rates
        on currencies.currency_code = best_rates.currency_code
        and date_spine.date_day = best_rates.rate_date

),

latest_rate_dates as (

    select
        date_day,
        currency_code,
        max(own_rate_date) over (
            partition by currency_code
            order by date_day
            rows between unbounded preceding and current row
        ) as rate_date
    from currency_days

),

carried_forward as (

    select
        latest_rate_dates.date_day,
        latest_rate_dates.currency_code,
        best_rates.rate_to_reporting,
        best_rates.rate_method,
        best_rates.rate_source,
        latest_rate_dates.rate_date,
        cast({{ dbt.datediff('latest_rate_dates.rate_date', 'latest_rate_dates.date_day', 'day') }} as integer)
            as rate_age_days
    from latest_rate_dates
    inner join best_rates
        on latest_rate_dates.currency_code = best_rates.currency_code
        and latest_rate_dates.rate_date = best_rates.rate_date

),

reporting_identity as (

    select
        date_day,
        '{{ reporting_currency }}' as currency_code,
        cast(1 as numeric(38, 18)) as rate_to_reporting,
        'identity' as rate_method,
        cast(null as varchar) as rate_source,
        cast(null as date) as rate_date,
        0 as rate_age_days
    from date_spine

),

unioned as (

    select * from carried_forward
    union all
    select * from reporting_identity

),

final as (

    select
        *,
        rate_age_days > 0 as is_carried_forward
    from unioned

)

select * from final
