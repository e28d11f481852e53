{#-
    Every Shopify order row the warehouse holds that is not a test order, before int_shopify__orders picks the ones
    that count: the Admin API's (stg_shopify__orders) and the "Export orders" files' (stg_exports__shopify_orders),
    each with what comes from its own row: order_date (the reporting-timezone date of created_at), record_source
    and, for an export order, its refund net of tax.
    Export refunds: the export only has "Refunded Amount" (tax included, no refund date). An export order's refund
    is counted on the order's date, net of tax pro rata: refund_net = Refunded Amount x Subtotal / (Subtotal +
    Taxes), rounded half up to the cent (export_refund_local; int_order_revenue_events makes it a refund event on
    the order's date).
    A view: int_shopify__orders reads it twice a night, once to find what changed and once for the orders to rebuild
    (macros/shopify_orders_rebuild.sql).
    Grain: one row per order and source (order_key is unique within each source).
-#}
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
        cast(null as numeric(18, 2)) as export_refund_local
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
        cast(export_refund_local as numeric(18, 2)) as export_refund_local
    from export_conformed

),

final as (

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
        record_source,
        export_refund_local
    from orders
    where not is_test

)

select * from final
