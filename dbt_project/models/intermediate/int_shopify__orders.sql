{#-
    Shopify orders that count, from int_shopify__order_candidates (the Admin API's orders and the "Export orders"
    files' orders): test orders excluded, and one order per shop x order number. The API wins: an exported order is
    dropped when the API loaded an order with the same shop and name; among API orders (the duplicated-order fault
    creates a second id with the same name) the earliest created, then lowest id, is kept.
    Adds is_new_customer (the customer's first order in that shop, by created_at; export orders have no customer id,
    so their customer is the hashed lower-cased email). record_source says where the order came from; an export
    order's refund is export_refund_local (int_shopify__order_candidates). order_fingerprint: a hash of the whole row
    (macros/order_rebuild.sql: the incremental order models rebuild the orders whose fingerprint changed).
    Grain: one row per order.
-#}
{#-
    A table, not a view: three models and two tests read it, and at agency size each reading of the view
    deduplicated 2 million orders again (about 5 s each; issue 8). Incremental: a nightly DuckDB build rebuilds only
    the order numbers and customers whose rows changed (macros/shopify_orders_rebuild.sql), instead of writing all
    2 million orders again (7 s). Keyed by order, not by day: the pre-hooks delete the rows it appends again.
-#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    unique_key='order_key',
    on_schema_change='fail',
    pre_hook=[
        "{{ write_shopify_orders_scope(ref('int_shopify__order_candidates')) }}",
        "{{ delete_shopify_orders_in_scope() }}",
    ],
    full_refresh=(true if target.type != 'duckdb' else none),
) }}
{%- set diffed = orders_diffed(is_incremental()) %}
with

orders as (

    select candidates.* from {{ ref('int_shopify__order_candidates') }} as candidates
    {%- if diffed %}
    {{ semi_join_shopify_orders_read_scope('candidates') }}
    {%- endif %}

),

{#- The two windows rank narrow rows and join back: sorting the wide order rows cost about a second more at agency
    size (2 million orders; issue 8). order_key is unique within each source (their staging tests). -#}
order_ranks as (

    select
        order_key,
        record_source,
        order_number,
        shop,
        customer_id,
        created_at,
        order_id,
        row_number() over (
            partition by shop, order_number
            order by case when record_source = 'shopify_api' then 0 else 1 end, created_at, order_id
        ) as order_number_rank
    from orders

),

kept_orders as (

    select
        order_key,
        record_source,
        case
            when customer_id is null then false
            else row_number() over (
                partition by shop, customer_id
                order by created_at, order_id
            ) = 1
        end as is_new_customer
    from order_ranks
    where order_number_rank = 1 or order_number is null

),

deduplicated as (

    select
        orders.*,
        kept_orders.is_new_customer
    from orders
    inner join kept_orders
        on orders.order_key = kept_orders.order_key
        and orders.record_source = kept_orders.record_source

),

enriched as (

    select
        order_key,
        order_id,
        shop,
        order_number,
        created_at,
        order_date,
        cancelled_at,
        currency_code,
        subtotal_price_local,
        total_price_local,
        total_tax_local,
        total_discounts_local,
        total_shipping_local,
        financial_status,
        source_name,
        landing_site,
        referring_site,
        discount_codes,
        customer_id,
        is_new_customer,
        record_source,
        export_refund_local
    from deduplicated

),

final as (

    select
        enriched.*,
        {{ row_fingerprint(['enriched']) }} as order_fingerprint
    from enriched
    {%- if diffed %}
    where {{ in_shopify_orders_rebuild_scope('enriched') }}
    {%- endif %}

)

select * from final
