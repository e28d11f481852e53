{#-
    The rebuild window of the incremental ad-performance models (int_ad_performance_unioned,
    fct_ad_performance_daily, fct_ad_demographics_daily): on an incremental run they delete their rows of days
    from rebuild_from() on (pre-hook delete_rebuild_window) and insert those days again from their inputs
    (rebuild_window_filter). socialmart/rebuild_window.py decides the date from what changed in the raw tables and
    passes it in the environment variable SOCIALMART_REBUILD_FROM (an env_var, not a var: a changed --vars value makes
    dbt re-parse the whole project). Unset or empty means every day: an incremental run then rebuilds everything, so
    a dbt invocation that did not decide a window can never keep stale rows.
    On PostgreSQL the models set `full_refresh=true`: always rebuilt whole (the marts in a fresh build schema anyway),
    without the `--full-refresh` flag, which would also drop and recreate every seed with `cascade`.
-#}
{% macro rebuild_from_iso() -%}
    {%- set raw = env_var('SOCIALMART_REBUILD_FROM', '') | string | trim -%}
    {%- if raw == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', raw) -%}
        {{ exceptions.raise_compiler_error(
            "SOCIALMART_REBUILD_FROM must be YYYY-MM-DD or empty (rebuild every day), got '" ~ raw ~ "'."
        ) }}
    {%- endif -%}
    {{ return(raw) }}
{%- endmacro %}

{#- `where <column> >= rebuild_from` on an incremental run with a window; nothing otherwise. -#}
{% macro rebuild_window_filter(column='date_day') -%}
    {%- if is_incremental() and rebuild_from_iso() is not none -%}
        where {{ column }} >= cast('{{ rebuild_from_iso() }}' as date)
    {%- endif -%}
{%- endmacro %}

{#- The pre-hook: on an incremental run, delete the days about to be inserted again (every row without a window). -#}
{% macro delete_rebuild_window(column='date_day') -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        {%- if rebuild_from_iso() is not none %} where {{ column }} >= cast('{{ rebuild_from_iso() }}' as date){% endif %}
    {%- endif -%}
{%- endmacro %}

{#-
    `where <column> >= rebuild_from` for a data test of day-keyed rows (argument rebuild_window of the tests
    primary_key and fx_rate_available) when the night rebuilds a window; nothing on a full refresh. Exact because the
    rebuild state is recorded only after a build whose tests all passed: a day before the window has the same raw
    rows, FX rates, dimensions, project and tests (tests/ is part of the project fingerprint) as when it passed, and
    anything else is a full refresh. tests/unit/dbt/test_incremental_ad_models.py checks that only models whose every
    raw input is fingerprinted (the incremental models and the views upstream of them) use it.
-#}
{% macro rebuild_window_where(column) -%}
    {%- if column and rebuild_from_iso() is not none -%}
        where {{ column }} >= cast('{{ rebuild_from_iso() }}' as date)
    {%- endif -%}
{%- endmacro %}
