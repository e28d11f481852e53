{#-
    fx_rate_available: every amount of the model has an FX rate (column_name, from int_fx_rates_daily) into the
    reporting currency. An amount without one is in a currency with no rate at all, or on a day before the
    currency's first rate; it must stop the run, not publish a null.
    dbt's own failure message ("Got 3 results") names nothing, so when rows fail the test stops with an error that
    names, per currency and per combination of `group_columns` (where the amounts come from: platform and account,
    a budget file), the model, the number of amounts, their days, an example (`example_column`) and the fix.
    Arguments: currency_column, date_column (the day whose rate is used), group_columns (list), example_column,
    rebuild_window (true on models whose days the nightly rebuild window covers: a night then checks only the
    rebuilt days of date_column, macro rebuild_window_where).
-#}
{% test fx_rate_available(
    model, column_name, currency_column, date_column, group_columns=[], example_column=none, rebuild_window=false
) %}

{%- set missing_rows -%}
    select * from (
        select * from {{ model }} {{ rebuild_window_where(date_column if rebuild_window else none) }}
    ) as rows_checked
    where {{ column_name }} is null
{%- endset -%}

{%- if execute and flags.WHICH in ('build', 'test') and load_relation(model) is not none -%}
    {%- set columns = [currency_column] + group_columns -%}
    {%- set summary_sql -%}
        select
            {{ columns | join(', ') }},
            count(*) as amounts,
            cast(min({{ date_column }}) as {{ dbt.type_string() }}) as first_day,
            cast(max({{ date_column }}) as {{ dbt.type_string() }}) as last_day
            {%- if example_column %},
            cast(min({{ example_column }}) as {{ dbt.type_string() }}) as example
            {%- endif %}
        from ({{ missing_rows }}) as missing
        group by {{ columns | join(', ') }}
        order by {{ columns | join(', ') }}
    {%- endset -%}
    {%- set summary = run_query(summary_sql) -%}
    {%- if summary.rows | length > 0 -%}
        {%- set reporting = var('reporting_currency') | upper -%}
        {%- set lines = [] -%}
        {%- set currencies = [] -%}
        {%- for row in summary.rows -%}
            {%- set currency = row[0] if row[0] is not none else '(no currency)' -%}
            {%- set where = [] -%}
            {%- for name in group_columns -%}
                {%- do where.append(name ~ ' ' ~ row[loop.index]) -%}
            {%- endfor -%}
            {%- set offset = group_columns | length -%}
            {%- set example = (', e.g. ' ~ example_column ~ ' ' ~ row[offset + 4]) if example_column else '' -%}
            {%- do lines.append(
                currency ~ ' in ' ~ model.identifier ~ (' (' ~ where | join(', ') ~ ')' if where else '') ~ ': '
                ~ row[offset + 1] ~ ' amount(s) from ' ~ row[offset + 2] ~ ' to ' ~ row[offset + 3] ~ example
            ) -%}
            {%- if currency not in currencies -%}
                {%- do currencies.append(currency) -%}
            {%- endif -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error(
            'No FX rate into ' ~ reporting ~ ' for ' ~ lines | join('; ') ~ '. Add rates for '
            ~ currencies | join(', ') ~ ' to inputs/fx_rates.csv (rows rate_date,<currency>,' ~ reporting
            ~ ',<rate>) dated on or before the first of those days, or drop an ECB reference-rates file that quotes'
            ~ ' them in the inputs folder.'
        ) }}
    {%- endif -%}
{%- endif -%}

{{ missing_rows }}

{% endtest %}
