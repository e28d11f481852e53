{#-
    Monthly ad budgets in the reporting currency, one row per budget_month x channel of inputs/budgets.csv whose
    month has started (budget_month before var run_date). Each budget is converted at the FX rate of its month's
    first day (int_fx_rates_daily: that day's rate, else the last earlier one carried forward) and rounded half away
    from zero to the cent. Months that have not started are left out: nothing is spent or paced in them yet, and
    their first day's rate may not exist yet.
-#}
with

budgets as (

    select * from {{ ref('stg_inputs__budgets') }}
    where budget_month < {{ run_date() }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_daily') }}

),

converted as (

    select
        budgets.budget_month,
        budgets.channel,
        budgets.currency_code,
        budgets.budget_local,
        fx_rates.rate_to_reporting as fx_rate,
        fx_rates.rate_date as fx_rate_date,
        {{ convert_currency('budgets.budget_local', 'fx_rates.rate_to_reporting') }} as budget,
        budgets.source_file,
        budgets.source_line
    from budgets
    left join fx_rates
        on budgets.currency_code = fx_rates.currency_code
        and budgets.budget_month = fx_rates.date_day

)

select * from converted
