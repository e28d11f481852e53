{#-
    How int_shopify__orders rebuilds, on a nightly DuckDB build, only the orders a night can have changed instead of
    all 2 million at agency size (issue 8). Which row of a shop x order number counts depends on the other rows with
    that number, and is_new_customer on the customer's other orders, so a changed row changes more than itself:

    - changed: the rows of int_shopify__order_candidates (no test orders) that match no built row on order_key,
      record_source and every column taken from the row (shopify_order_row_hash), and the built rows that match no
      such row any more (their old values: a customer or number changed, an order vanished or became a test);
    - scope `order`: the changed order keys; `group`: their order numbers (shopify_order_group); `customer`: their
      customers, and those of every row of a `group` number (which of those rows counts may change);
    - scope `read`: the `group` numbers, and every number of a `customer` customer's rows: the rows the model reads,
      so that it ranks whole numbers and sees every order of those customers;
    - scope `built`: the built rows of a `group` number or a `customer` customer, which the model builds again.
    The pre-hooks write the scope into int_shopify__orders__scope beside the model and delete the `built` rows; the
    model reads the `read` rows and inserts the orders that count among them, of a `group` number or a `customer`
    customer. A row in no scope keeps its number's rows and its customer's orders, so it is what a full refresh would
    give. The scope table stays until the next build (what the last night rebuilt); a build that does not compare
    rows drops it. Each step is one hash join: an `exists` or an `or` over the 2 million rows took seconds.
    tests/unit/dbt/test_incremental_order_models.py proves each night equals a full refresh.
-#}

{% macro shopify_orders_scope_relation() -%}
    {{ return(api.Relation.create(database=this.database, schema=this.schema, identifier=this.identifier ~ '__scope')) }}
{%- endmacro %}

{#- The order number whose rows compete for it; an order without a number is its own (always counts). Shopify and its
    exports always name an order, so the key-based stand-in never meets a real order number. -#}
{% macro shopify_order_group(alias) -%}
    coalesce({{ alias }}.order_number, 'order_key:' || {{ alias }}.order_key)
{%- endmacro %}

{#- A hash of every column int_shopify__orders takes from the order's own row (all but is_new_customer). -#}
{% macro shopify_order_row_hash() -%}
    hash(
        order_key, order_id, shop, order_number, created_at, order_date, cancelled_at, currency_code,
        subtotal_price_local, total_price_local, total_tax_local, total_discounts_local, total_shipping_local,
        financial_status, source_name, landing_site, referring_site, discount_codes, customer_id, record_source,
        export_refund_local
    )
{%- endmacro %}

{#- Pre-hook 1: the scope table on a nightly DuckDB build that compares rows; dropped on any other build. -#}
{% macro write_shopify_orders_scope(candidates) -%}
    {%- if orders_diffed(is_incremental()) -%}
        create or replace table {{ shopify_orders_scope_relation() }} as
        with

        current_rows as (
            select
                order_key, shop, {{ shopify_order_group('candidates') }} as order_group, customer_id, record_source,
                {{ shopify_order_row_hash() }} as row_hash
            from {{ candidates }} as candidates
        ),

        built_rows as (
            select
                order_key, shop, {{ shopify_order_group('built') }} as order_group, customer_id, record_source,
                {{ shopify_order_row_hash() }} as row_hash
            from {{ this }} as built
        ),

        {#- One full join, not two anti joins: one hash table of 2 million rows instead of two. A row without a
            match has the other side all null. -#}
        changed as (
            select
                coalesce(current_rows.order_key, built_rows.order_key) as order_key,
                coalesce(current_rows.shop, built_rows.shop) as shop,
                coalesce(current_rows.order_group, built_rows.order_group) as order_group,
                coalesce(current_rows.customer_id, built_rows.customer_id) as customer_id
            from current_rows
            full join built_rows
                on current_rows.order_key = built_rows.order_key
                and current_rows.record_source = built_rows.record_source
                and current_rows.row_hash = built_rows.row_hash
            where current_rows.order_key is null or built_rows.order_key is null
        ),

        order_groups as (
            select distinct shop, order_group from changed
        ),

        customers as (
            select shop, customer_id from changed where customer_id is not null
            union
            select current_rows.shop, current_rows.customer_id
            from current_rows
            semi join order_groups using (shop, order_group)
            where current_rows.customer_id is not null
        ),

        read_groups as (
            select shop, order_group from order_groups
            union
            select current_rows.shop, current_rows.order_group
            from current_rows
            semi join customers using (shop, customer_id)
        ),

        built_in_scope as (
            select shop, order_key from built_rows semi join order_groups using (shop, order_group)
            union
            select shop, order_key from built_rows semi join customers using (shop, customer_id)
        )

        select distinct 'order' as kind, shop, order_key as value from changed
        union all
        select 'group', shop, order_group from order_groups
        union all
        select 'customer', shop, customer_id from customers
        union all
        select 'read', shop, order_group from read_groups
        union all
        select 'built', shop, order_key from built_in_scope
    {%- else -%}
        drop table if exists {{ shopify_orders_scope_relation() }}
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook 2: delete the built rows in scope (every row on an incremental build that does not compare rows). -#}
{% macro delete_shopify_orders_in_scope() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        {%- if orders_diffed(is_incremental()) %}
        where order_key in (select value from {{ shopify_orders_scope_relation() }} where kind = 'built')
        {%- endif %}
    {%- endif -%}
{%- endmacro %}

{#- The model's rows to read: `select * from <relation> as <alias>` then this join. -#}
{% macro semi_join_shopify_orders_read_scope(alias) -%}
    semi join (select shop, value from {{ shopify_orders_scope_relation() }} where kind = 'read') as read_scope
        on read_scope.shop = {{ alias }}.shop and read_scope.value = {{ shopify_order_group(alias) }}
{%- endmacro %}

{#- The model's rows to insert (a few thousand a night): of a `group` number or a `customer` customer. -#}
{% macro in_shopify_orders_rebuild_scope(alias) -%}
    {%- set scope = shopify_orders_scope_relation() -%}
    (
        exists (
            select 1 from {{ scope }} as scope
            where scope.kind = 'group' and scope.shop = {{ alias }}.shop
                and scope.value = {{ shopify_order_group(alias) }}
        )
        or exists (
            select 1 from {{ scope }} as scope
            where scope.kind = 'customer' and scope.shop = {{ alias }}.shop and scope.value = {{ alias }}.customer_id
        )
    )
{%- endmacro %}
