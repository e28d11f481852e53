{#-
    Incremental: a nightly build rebuilds the orders whose revenue events this dbt invocation rebuilt
    (macros/order_rebuild.sql).
-#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='order_key',
    on_schema_change='fail',
    pre_hook="{{ delete_vanished_orders() }}",
    full_refresh=(true if target.type != 'duckdb' else none),
) }}
{%- set diffed = orders_diffed(is_incremental()) %}
with

revenue_events as (

    select * from {{ ref('int_order_revenue_events') }}
    {%- if diffed %}
    where dbt_invocation_id = '{{ invocation_id }}'
    {%- endif %}

),

-- Store orders: Shopify orders and Stripe-only sales (shop 'stripe:<account id>', order_id the charge id).
all_orders as (

    select
        order_key, order_id, shop, order_number, created_at, order_date, customer_id, is_new_customer,
        currency_code, subtotal_price_local
    from {{ ref('int_shopify__orders') }}

    union all

    select
        order_key, order_id, shop, order_number, created_at, order_date, customer_id, is_new_customer,
        currency_code, subtotal_price_local
    from {{ ref('int_stripe__orders') }}

),

orders as (

    select * from all_orders
    {{ where_order_in('revenue_events', diffed) }}

),

attribution as (

    select * from {{ ref('int_orders_attributed') }}
    {{ where_order_in('revenue_events', diffed) }}

),

order_revenue as (

    select
        order_key,
        sum(case when event_type = 'refund' then -amount_local else 0 end) as refunds_local,
        sum(amount) as revenue
    from revenue_events
    group by order_key

),

final as (

    select
        cast(orders.order_key as varchar) as order_key,
        cast(orders.order_id as varchar) as order_id,
        cast(orders.shop as varchar) as shop,
        cast(orders.order_number as varchar) as order_number,
        cast(orders.created_at as timestamp with time zone) as created_at,
        cast(orders.order_date as date) as order_date,
        cast(orders.customer_id as varchar) as customer_id,
        cast(orders.is_new_customer as boolean) as is_new_customer,
        cast(orders.currency_code as varchar) as currency_code,
        cast(orders.subtotal_price_local as numeric(18, 2)) as gross_sales_local,
        cast(order_revenue.refunds_local as numeric(18, 2)) as refunds_local,
        cast(orders.subtotal_price_local - order_revenue.refunds_local as numeric(18, 2)) as revenue_local,
        cast(order_revenue.revenue as numeric(18, 2)) as revenue,
        cast(attribution.channel as varchar) as channel,
        cast(attribution.campaign_key as varchar) as campaign_key,
        cast(attribution.segment as varchar) as segment,
        cast(attribution.customer_segment as varchar) as customer_segment,
        cast(attribution.customer_segment_source as varchar) as customer_segment_source,
        cast(attribution.attribution_method as varchar) as attribution_method,
        cast(attribution.utm_source as varchar) as utm_source,
        cast(attribution.utm_medium as varchar) as utm_medium,
        cast(attribution.utm_campaign as varchar) as utm_campaign,
        cast(attribution.discount_code as varchar) as discount_code,
        cast(attribution.referring_host as varchar) as referring_host
    from orders
    left join attribution
        on orders.order_key = attribution.order_key
    left join order_revenue
        on orders.order_key = order_revenue.order_key

)

select * from final
