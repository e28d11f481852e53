{#-
    to_local_date(timestamp_tz, timezone): the calendar date of a UTC instant (timestamp with time zone) in a
    named IANA timezone, by default var('reporting_timezone'). `at time zone` on a timestamptz gives the local
    wall-clock timestamp in both DuckDB (ICU) and Postgres; other adapters can add `<adapter>__to_local_date`.
-#}
{% macro to_local_date(timestamp_tz, timezone=none) -%}
    {{ return(adapter.dispatch('to_local_date', 'socialmart')(timestamp_tz, timezone or var('reporting_timezone'))) }}
{%- endmacro %}

{% macro default__to_local_date(timestamp_tz, timezone) -%}
    cast(({{ timestamp_tz }} at time zone '{{ timezone }}') as date)
{%- endmacro %}

{#-
    to_local_timestamp(timestamp_tz, timezone): the wall-clock timestamp (without time zone) of a UTC instant in a
    named IANA timezone, by default var('reporting_timezone'); extract hour or isodow from it for local time parts.
-#}
{% macro to_local_timestamp(timestamp_tz, timezone=none) -%}
    {{ return(adapter.dispatch('to_local_timestamp', 'socialmart')(timestamp_tz, timezone or var('reporting_timezone'))) }}
{%- endmacro %}

{% macro default__to_local_timestamp(timestamp_tz, timezone) -%}
    ({{ timestamp_tz }} at time zone '{{ timezone }}')
{%- endmacro %}
