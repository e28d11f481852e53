{#-
    Shopify orders that count, from the Admin API (stg_shopify__orders) and from "Export orders" files
    (stg_exports__shopify_orders): test orders excluded, and one order per shop x order number. The API wins: an
    exported order is dropped when the API loaded an order with the same shop and name; among API orders (the
    duplicated-order fault creates a second id with the same name) the earliest created, then lowest id, is kept.
    Adds order_date (the reporting-timezone date of created_at) and is_new_customer (the customer's first order in
    that shop, by created_at; export orders have no customer id, so their customer is the hashed lower-cased email).
    Export refunds: the export only has "Refunded Amount" (tax included, no refund date). An export order's refund
    is counted on the order's date, net of tax pro rata: refund_net = Refunded Amount x Subtotal / (Subtotal +
    Taxes), rounded half up to the cent (export_refund_local; int_order_revenue_events makes it a refund event on
    the order's date). record_source says where the order came from. order_fingerprint: a hash of the whole row
    (macros/order_rebuild.sql: the incremental order models rebuild the orders whose fingerprint changed).
    Grain: one row per order.
-#}
{#- A table, not a view: three models and two tests read it, and at agency size each reading of the view
    deduplicated 2 million orders again (about 5 s each; issue 8). -#}
{{ config(materialized='table') }}
with

api_orders as (

    select * from {{ ref('stg_shopify__orders') }}

),

export_orders as (

    select * from {{ ref('stg_exports__shopify_orders') }}

),

export_refunds as (

    select
        *,
        cast(round(subtotal_price_local * 100) as bigint) as subtotal_cents,
        cast(round((subtotal_price_local + coalesce(total_tax_local, 0)) * 100) as bigint) as gross_cents,
        cast(round(refunded_amount_local * 100) as bigint) as refunded_cents
    from export_orders

),

export_conformed as (

    select
        *,
        case
            when gross_cents > 0 and refunded_cents > 0
                -- half up in whole cents: floor((2 r s + g) / 2g); exact (integer division on Postgres, a double
                -- far from any rounding edge on DuckDB)
                then cast(
                    floor((2 * refunded_cents * subtotal_cents + gross_cents) / (2 * gross_cents)) as numeric(18, 0)
                ) * 0.01
            else 0
        end as export_refund_local
    from export_refunds

),

orders as (

    select
        order_key, order_id, shop, order_number, created_at, cancelled_at, currency_code,
        subtotal_price_local, total_price_local, total_tax_local, total_discounts_local, total_shipping_local,
        financial_status, source_name, landing_site, referring_site, discount_codes, customer_id, is_test,
        'shopify_api' as record_source,
        cast(null as numeric(18, 2)) as export_refund_local,
        0 as source_rank
    from api_orders

    union all

    select
        order_key, order_id, shop, order_number, created_at, cancelled_at, currency_code,
        subtotal_price_local,
        total_price_local, total_tax_local, total_discounts_local, total_shipping_local,
        financial_status, source_name,
        cast(null as varchar) as landing_site,
        cast(null as varchar) as referring_site,
        discount_codes, customer_id, is_test,
        'shopify_export' as record_source,
        cast(export_refund_local as numeric(18, 2)) as export_refund_local,
        1 as source_rank
    from export_conformed

),

{#- The two windows rank narrow rows and join back: sorting the wide order rows cost about a second more at agency
    size (2 million orders; issue 8). order_key is unique within each source (their staging tests). -#}
order_ranks as (

    select
        order_key,
        source_rank,
        order_number,
        shop,
        customer_id,
        created_at,
        order_id,
        row_number() over (
            partition by shop, order_number
            order by source_rank, created_at, order_id
        ) as order_number_rank
    from orders
    where not is_test

),

kept_orders as (

    select
        order_key,
        source_rank,
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
        and orders.source_rank = kept_orders.source_rank

),

enriched as (

    select
        order_key,
        order_id,
        shop,
        order_number,
        created_at,
        {{ to_local_date('created_at') }} as order_date,
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

)

select * from final
