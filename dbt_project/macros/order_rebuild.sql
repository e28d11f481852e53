{#-
    The incremental order models (int_orders_attributed, int_order_revenue_events, fct_orders_attributed) rebuild, on
    a nightly DuckDB build, only the orders whose inputs changed, instead of all 2 million at agency size (issue 8).
    Orders are not days: a refund, a duplicate or an export can change an order of any age, and a renamed campaign
    or an edited promo code can change the attribution of every order. So each model compares fingerprints, not days:

    - int_shopify__orders and int_stripe__orders carry order_fingerprint, a hash of the order's whole row (after
      deduplication and is_new_customer, which other orders decide);
    - int_orders_attributed keeps input_fingerprint = hash(order_fingerprint, the fingerprint of every dimension its
      rules read: campaigns, promo codes, segment rules) and rebuilds the orders whose value is new or different;
    - int_order_revenue_events keeps input_fingerprint = hash(that, the fingerprint of the order's refunds) and
      rebuilds those orders' events, plus every order with an event on or after rebuild_from (an FX rate revised, or
      carried forward, on those days; macros/rebuild_window.sql); its rows say which dbt invocation built them;
    - fct_orders_attributed rebuilds the orders whose events this invocation rebuilt.
    A pre-hook deletes the rows of orders that no longer exist (a duplicate found, a vanished order). The seeds and
    vars they read are in the project fingerprint: a change is a full refresh (socialmart/rebuild_window.py). When
    SOCIALMART_REBUILD_FROM is unset (a dbt run the nightly did not decide) every order is rebuilt.
    tests/unit/dbt/test_incremental_order_models.py proves each night equals a full refresh.
-#}

{#-
    Whether this build compares fingerprints: an incremental build (the model passes its is_incremental(), which dbt
    unit tests override in the model's own context only) that the nightly decided.
-#}
{% macro orders_diffed(incremental) -%}
    {{ return(incremental and rebuild_from_iso() is not none) }}
{%- endmacro %}

{#- `where order_key in (select order_key from <scope>)` when the build compares fingerprints; nothing otherwise. -#}
{% macro where_order_in(scope, diffed) -%}
    {%- if diffed -%}
        where order_key in (select order_key from {{ scope }})
    {%- endif -%}
{%- endmacro %}

{#- A hash of the values (64 bits on DuckDB, md5 elsewhere). -#}
{% macro row_fingerprint(values) -%}
    {{ return(adapter.dispatch('row_fingerprint', 'socialmart')(values)) }}
{%- endmacro %}

{% macro default__row_fingerprint(values) -%}
    md5(cast(row({{ values | join(', ') }}) as {{ dbt.type_string() }}))
{%- endmacro %}

{% macro duckdb__row_fingerprint(values) -%}
    hash({{ values | join(', ') }})
{%- endmacro %}

{#- An aggregate: the fingerprint of a set of rows (whole rows of `relation_alias`), whatever their order. -#}
{% macro rows_fingerprint(relation_alias) -%}
    {{ return(adapter.dispatch('rows_fingerprint', 'socialmart')(relation_alias)) }}
{%- endmacro %}

{% macro default__rows_fingerprint(relation_alias) -%}
    md5(coalesce(string_agg(
        md5(cast({{ relation_alias }} as {{ dbt.type_string() }})), ','
        order by md5(cast({{ relation_alias }} as {{ dbt.type_string() }}))
    ), ''))
{%- endmacro %}

{% macro duckdb__rows_fingerprint(relation_alias) -%}
    cast(coalesce(sum(hash({{ relation_alias }})), 0) as {{ dbt.type_string() }}) || ':' || count(*)
{%- endmacro %}

{#- The pre-hook: delete the rows of orders in neither int_shopify__orders nor int_stripe__orders any more. -#}
{% macro delete_vanished_orders() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where order_key not in (
            select order_key from {{ ref('int_shopify__orders') }}
            union all
            select order_key from {{ ref('int_stripe__orders') }}
        )
    {%- endif -%}
{%- endmacro %}
