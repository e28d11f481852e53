{#-
    Shopify orders that count: test orders excluded, and one order per shop x order number (the duplicated-order
    fault creates a second id with the same name; the earliest created, then lowest id, is kept).
    Adds order_date (the reporting-timezone date of created_at) and is_new_customer (the customer's first order in
    that shop, by created_at). Grain: one row per order.
-#}
with

orders as (

    select * from {{ ref('stg_shopify__orders') }}

),

real_orders as (

    select
        *,
        row_number() over (
            partition by shop, order_number
            order by created_at, order_id
        ) as order_number_rank
    from orders
    where not is_test

),

deduplicated as (

    select * from real_orders
    where order_number_rank = 1 or order_number is null

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
        case
            when customer_id is null then false
            else row_number() over (
                partition by shop, customer_id
                order by created_at, order_id
            ) = 1
        end as is_new_customer
    from deduplicated

)

select * from enriched
