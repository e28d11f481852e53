{#-
    Integrity: store orders and revenue are conserved from staging to the marts.
    The store's real orders are the staging orders that are not test orders, once per shop x order number, the
    orders of Shopify export files the API did not load, and the
    Stripe-only sales (succeeded, captured charges without Shopify order metadata; their refunds unless failed).
    - per currency: their count, gross sales (subtotal) and refund line subtotals = fct_orders_attributed;
    - in the reporting currency: fct_orders_attributed revenue, orders and new customers = fct_channel_daily
      (every order has a channel) and, for orders with a campaign, = fct_campaign_performance_daily.
    Returns one row per failed check.
-#}
with

staging_orders as (

    select
        *,
        row_number() over (partition by shop, order_number order by created_at, order_id) as order_number_rank
    from {{ ref('stg_shopify__orders') }}
    where not is_test

),

store_orders as (

    select * from staging_orders
    where order_number_rank = 1 or order_number is null

),

staging_refunds as (

    select store_orders.currency_code, sum(refund_line_items.subtotal_local) as refunds_local
    from {{ ref('stg_shopify__refund_line_items') }} as refund_line_items
    inner join store_orders
        on refund_line_items.order_key = store_orders.order_key
    group by store_orders.currency_code

),

shopify_staging as (

    select
        store_orders.currency_code,
        count(*) as orders,
        sum(store_orders.subtotal_price_local) as gross_sales_local,
        coalesce(max(staging_refunds.refunds_local), 0) as refunds_local
    from store_orders
    left join staging_refunds
        on store_orders.currency_code = staging_refunds.currency_code
    group by store_orders.currency_code

),

export_staging as (

    {#- Orders from Shopify export files that the API did not load (int_shopify__orders applies that rule) and
        their export refunds (no refund lines in an export). -#}
    select
        currency_code,
        count(*) as orders,
        sum(subtotal_price_local) as gross_sales_local,
        coalesce(sum(export_refund_local), 0) as refunds_local
    from {{ ref('int_shopify__orders') }}
    where record_source = 'shopify_export'
    group by currency_code

),

stripe_sales as (

    select * from {{ ref('stg_stripe__charges') }}
    where status = 'succeeded' and is_captured and not is_shopify_payment and amount_captured_local > 0

),

stripe_staging as (

    select
        stripe_sales.currency_code,
        count(*) as orders,
        sum(stripe_sales.amount_captured_local) as gross_sales_local,
        coalesce(sum(stripe_refunds.refunds_local), 0) as refunds_local
    from stripe_sales
    left join (
        select charge_key, sum(amount_local) as refunds_local
        from {{ ref('stg_stripe__refunds') }}
        where coalesce(status, 'succeeded') not in ('failed', 'canceled')
        group by charge_key
    ) as stripe_refunds
        on stripe_sales.charge_key = stripe_refunds.charge_key
    group by stripe_sales.currency_code

),

staging as (

    select
        currency_code,
        sum(orders) as orders,
        sum(gross_sales_local) as gross_sales_local,
        sum(refunds_local) as refunds_local
    from (
        select * from shopify_staging
        union all
        select * from export_staging
        union all
        select * from stripe_staging
    ) as store_sales
    group by currency_code

),

order_mart as (

    select
        currency_code,
        count(*) as orders,
        sum(gross_sales_local) as gross_sales_local,
        sum(refunds_local) as refunds_local
    from {{ ref('fct_orders_attributed') }}
    group by currency_code

),

local_checks as (

    select
        {{ dbt.concat(["'orders and local sales '", "coalesce(staging.currency_code, order_mart.currency_code)"]) }}
            as check_name,
        cast(staging.gross_sales_local - staging.refunds_local as double precision) as expected,
        cast(order_mart.gross_sales_local - order_mart.refunds_local as double precision) as actual
    from staging
    full outer join order_mart
        on staging.currency_code = order_mart.currency_code
    where staging.orders is distinct from order_mart.orders
        or staging.gross_sales_local is distinct from order_mart.gross_sales_local
        or staging.refunds_local is distinct from order_mart.refunds_local

),

mart_totals as (

    select
        'fct_channel_daily' as mart,
        sum(attributed_revenue) as revenue,
        sum(attributed_orders) as orders,
        sum(attributed_new_customers) as new_customers
    from {{ ref('fct_channel_daily') }}

    union all

    select
        'fct_campaign_performance_daily' as mart,
        sum(attributed_revenue) as revenue,
        sum(attributed_orders) as orders,
        sum(attributed_new_customers) as new_customers
    from {{ ref('fct_campaign_performance_daily') }}

),

order_totals as (

    select
        'fct_channel_daily' as mart,
        sum(revenue) as revenue,
        count(*) as orders,
        sum(case when is_new_customer then 1 else 0 end) as new_customers
    from {{ ref('fct_orders_attributed') }}

    union all

    select
        'fct_campaign_performance_daily' as mart,
        sum(revenue) as revenue,
        count(*) as orders,
        sum(case when is_new_customer then 1 else 0 end) as new_customers
    from {{ ref('fct_orders_attributed') }}
    where campaign_key is not null

),

reporting_checks as (

    select
        {{ dbt.concat(["'revenue, orders and new customers '", "order_totals.mart"]) }} as check_name,
        cast(order_totals.revenue as double precision) as expected,
        cast(mart_totals.revenue as double precision) as actual
    from order_totals
    inner join mart_totals
        on order_totals.mart = mart_totals.mart
    where coalesce(order_totals.revenue, 0) <> coalesce(mart_totals.revenue, 0)
        or coalesce(order_totals.orders, 0) <> coalesce(mart_totals.orders, 0)
        or coalesce(order_totals.new_customers, 0) <> coalesce(mart_totals.new_customers, 0)

)

select * from local_checks
union all
select * from reporting_checks
