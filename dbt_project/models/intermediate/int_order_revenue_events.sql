{#-
    Revenue (net sales) events, one row per order sale or refund of the orders in int_shopify__orders:
    - order: + subtotal_price (line items after discounts, excluding tax and shipping) on the order's
      reporting-timezone date;
    - refund: - the sum of its refund line subtotals on the refund's reporting-timezone date.
    Orders from a Shopify "Export orders" file have no refund dates: their refund (export_refund_local, see
    int_shopify__orders) is one refund event on the order's own date.
    Stripe-only sales (int_stripe__orders) add the same two kinds of events: + the captured amount on the charge's
    reporting-timezone date, - each refund (not failed or canceled) on its own date. Shopify orders paid through
    Stripe are not in int_stripe__orders, so their charges and refunds never count twice.
    Each event is converted at the FX rate of its own date and rounded to the cent. Attribution (channel,
    campaign, the campaign's segment and the customer segment) is the order's. Grain: one row per revenue_event_key.
-#}
{#- A table, not a view: every campaign, channel and segment mart and report reads it (issue 8). -#}
{{ config(materialized='table') }}
with

orders as (

    select * from {{ ref('int_shopify__orders') }}

),

refund_line_items as (

    select * from {{ ref('stg_shopify__refund_line_items') }}

),

stripe_orders as (

    select * from {{ ref('int_stripe__orders') }}

),

stripe_refunds as (

    select * from {{ ref('stg_stripe__refunds') }}
    where coalesce(status, 'succeeded') not in ('failed', 'canceled')

),

attribution as (

    select * from {{ ref('int_orders_attributed') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_daily') }}

),

refunds as (

    select
        refund_key,
        order_key,
        min(refunded_at) as refunded_at,
        sum(subtotal_local) as refund_subtotal_local
    from refund_line_items
    group by refund_key, order_key

),

events as (

    select
        {{ dbt.concat(["'order:'", "order_key"]) }} as revenue_event_key,
        'order' as event_type,
        order_key,
        created_at as event_at,
        order_date as event_date,
        currency_code,
        cast(subtotal_price_local as numeric(18, 2)) as amount_local,
        1 as orders,
        case when is_new_customer then 1 else 0 end as new_customers
    from orders

    union all

    select
        {{ dbt.concat(["'refund:'", "refunds.refund_key"]) }} as revenue_event_key,
        'refund' as event_type,
        refunds.order_key,
        refunds.refunded_at as event_at,
        {{ to_local_date('refunds.refunded_at') }} as event_date,
        orders.currency_code,
        cast(-refunds.refund_subtotal_local as numeric(18, 2)) as amount_local,
        0 as orders,
        0 as new_customers
    from refunds
    inner join orders
        on refunds.order_key = orders.order_key

    union all

    select
        {{ dbt.concat(["'refund:'", "order_key", "':export'"]) }} as revenue_event_key,
        'refund' as event_type,
        order_key,
        created_at as event_at,
        order_date as event_date,
        currency_code,
        cast(-export_refund_local as numeric(18, 2)) as amount_local,
        0 as orders,
        0 as new_customers
    from orders
    where record_source = 'shopify_export' and export_refund_local > 0

    union all

    select
        {{ dbt.concat(["'order:'", "order_key"]) }} as revenue_event_key,
        'order' as event_type,
        order_key,
        created_at as event_at,
        order_date as event_date,
        currency_code,
        cast(subtotal_price_local as numeric(18, 2)) as amount_local,
        1 as orders,
        case when is_new_customer then 1 else 0 end as new_customers
    from stripe_orders

    union all

    select
        {{ dbt.concat(["'refund:'", "stripe_refunds.refund_key"]) }} as revenue_event_key,
        'refund' as event_type,
        stripe_orders.order_key,
        stripe_refunds.refunded_at as event_at,
        {{ to_local_date('stripe_refunds.refunded_at') }} as event_date,
        stripe_orders.currency_code,
        cast(-stripe_refunds.amount_local as numeric(18, 2)) as amount_local,
        0 as orders,
        0 as new_customers
    from stripe_refunds
    inner join stripe_orders
        on stripe_refunds.charge_key = stripe_orders.charge_key

),

converted as (

    select
        events.revenue_event_key,
        events.event_type,
        events.order_key,
        events.event_at,
        events.event_date,
        events.currency_code,
        events.amount_local,
        fx_rates.rate_to_reporting as fx_rate,
        {{ convert_currency('events.amount_local', 'fx_rates.rate_to_reporting') }} as amount,
        events.orders,
        events.new_customers,
        attribution.attribution_method,
        attribution.channel,
        attribution.campaign_key,
        attribution.segment,
        attribution.customer_segment
    from events
    left join fx_rates
        on events.currency_code = fx_rates.currency_code
        and events.event_date = fx_rates.date_day
    left join attribution
        on events.order_key = attribution.order_key

)

select * from converted
