{#-
    run_date(): the run date (the sandbox's and the flow's as_of) as a SQL date expression.
    Data covers the days strictly before it. Set with `--vars '{run_date: "YYYY-MM-DD"}'`, or (as the nightly
    does) the environment variable SOCIALMART_RUN_DATE: dbt then re-parses only what reads it, where a changed
    --vars value makes it re-parse the whole project. Neither set means today in var('reporting_timezone').
-#}
{% macro run_date() -%}
    {{ return("cast('" ~ run_date_iso() ~ "' as date)") }}
{%- endmacro %}

{% macro run_date_iso() -%}
    {%- set raw = var('run_date', '') -%}
    {%- if raw is none or (raw | string | trim) == '' -%}
        {%- set raw = env_var('SOCIALMART_RUN_DATE', '') -%}
    {%- endif -%}
    {%- if raw is none or (raw | string | trim) == '' -%}
        {%- set tz = modules.pytz.timezone(var('reporting_timezone')) -%}
        {{ return(modules.datetime.datetime.now(tz).date().isoformat()) }}
    {%- endif -%}
    {%- set text = raw | string | trim -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
        {{ exceptions.raise_compiler_error(
            "var run_date must be YYYY-MM-DD, got '" ~ text ~ "'. Pass e.g. --vars '{run_date: \"2025-03-05\"}'."
        ) }}
    {%- endif -%}
    {{ return(modules.datetime.datetime.strptime(text, '%Y-%m-%d').date().isoformat()) }}
{%- endmacro %}
