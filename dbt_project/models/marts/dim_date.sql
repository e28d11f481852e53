{#- One row per calendar day from var('calendar_start_date') to the end of the year after the run date's year. -#}
with

days as (

    {{ day_spine(
        "cast('" ~ var('calendar_start_date') ~ "' as date)",
        "cast('" ~ (run_date_iso()[:4] | int + 1) ~ "-12-31' as date)"
    ) }}

),

final as (

    select
        cast(date_day as date) as date_day,
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start_date,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
        cast(extract(year from date_day) as integer) as year_number,
        cast(extract(month from date_day) as integer) as month_number,
        cast(extract(day from date_day) as integer) as day_of_month,
        cast(extract(isoyear from date_day) as integer) as iso_year,
        cast(extract(week from date_day) as integer) as iso_week,
        cast(extract(isodow from date_day) as integer) as iso_day_of_week,
        cast(extract(isodow from date_day) in (6, 7) as boolean) as is_weekend,
        cast({{ dbt.datediff(dbt.date_trunc('month', 'date_day'),
                             dbt.dateadd('month', 1, dbt.date_trunc('month', 'date_day')), 'day') }} as integer)
            as days_in_month
    from days

)

select * from final
