{#-
    day_spine(start_date, end_date, max_days): a select of one row per day (column date_day) from start_date to
    end_date inclusive. Both are SQL date expressions (they may be scalar subqueries). Portable: dbt.generate_series
    and dbt.dateadd; at most max_days rows.
-#}
{% macro day_spine(start_date, end_date, max_days=8192) -%}
    select cast({{ dbt.dateadd('day', 'series.generated_number - 1', 'bounds.spine_start') }} as date) as date_day
    from ({{ dbt.generate_series(max_days) }}) as series
    cross join (
        select cast({{ start_date }} as date) as spine_start, cast({{ end_date }} as date) as spine_end
    ) as bounds
    where {{ dbt.dateadd('day', 'series.generated_number - 1', 'bounds.spine_start') }} <= bounds.spine_end
{%- endmacro %}
