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
{#-
    A table, not a view: every campaign, channel and segment mart and report reads it (issue 8). Incremental: a
    nightly build rebuilds the events of the orders whose input_fingerprint (the order's attribution inputs and its
    refunds) is new or changed, and of every order with an event from rebuild_from on, whose FX rate may have
    changed (macros/order_rebuild.sql). dbt_invocation_id says which build wrote the row.
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

all_refund_line_items as (

    select * from {{ ref('stg_shopify__refund_line_items') }}

),

all_stripe_orders as (

    select * from {{ ref('int_stripe__orders') }}

),

all_stripe_refunds as (

    select * from {{ ref('stg_stripe__refunds') }}

),

all_attribution as (

    select * from {{ ref('int_orders_attributed') }}

),

refund_fingerprints as (

    select order_key, {{ rows_fingerprint('all_refund_line_items') }} as fingerprint
    from all_refund_line_items
    group by order_key

    union all

    select all_stripe_orders.order_key, {{ rows_fingerprint('all_stripe_refunds') }} as fingerprint
    from all_stripe_refunds
    inner join all_stripe_orders
        on all_stripe_refunds.charge_key = all_stripe_orders.charge_key
    group by all_stripe_orders.order_key

),

inputs as (

    select
        all_attribution.order_key,
        {{ row_fingerprint(['all_attribution.input_fingerprint', 'refund_fingerprints.fingerprint']) }}
            as input_fingerprint
    from all_attribution
    left join refund_fingerprints
        on all_attribution.order_key = refund_fingerprints.order_key

),

to_rebuild as (

    select inputs.*
    from inputs
    {%- if diffed %}
    where not exists (
        select 1 from {{ this }} as built
        where built.order_key = inputs.order_key and built.input_fingerprint = inputs.input_fingerprint
    )
    or inputs.order_key in (
        select order_key from {{ this }}
        where event_date >= cast('{{ rebuild_from_iso() }}' as date)
    )
    {%- endif %}

),

orders as (

    select * from {{ ref('int_shopify__orders') }}
    {{ where_order_in('to_rebuild', diffed) }}

),

refund_line_items as (

    select * from all_refund_line_items
    {{ where_order_in('to_rebuild', diffed) }}

),

stripe_orders as (

    select * from all_stripe_orders
    {{ where_order_in('to_rebuild', diffed) }}

),

stripe_refunds as (

    select * from all_stripe_refunds
    where coalesce(status, 'succeeded') not in ('failed', 'canceled')

),

attribution as (

    select * from all_attribution
    {{ where_order_in('to_rebuild', diffed) }}

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
        attribution.customer_segment,
        to_rebuild.input_fingerprint,
        '{{ invocation_id }}' as dbt_invocation_id
    from events
    left join to_rebuild
        on events.order_key = to_rebuild.order_key
    left join fx_rates
        on events.currency_code = fx_rates.currency_code
        and events.event_date = fx_rates.date_day
    left join attribution
        on events.order_key = attribution.order_key

)

select * from converted
