{#-
    Stripe-only sales as orders, one row per succeeded, captured charge that does not pay a Shopify order.
    A brand's Shopify checkout does not show up in its own Stripe account, so these charges (memberships,
    pre-orders sold through Stripe Checkout / Payment Links) are revenue Shopify does not have. Charges with
    metadata shopify_order_id are Shopify orders paid through Stripe: already Shopify revenue, never counted here.
    Failed and uncaptured charges are not sales.
    shop = 'stripe:<account id>', order_id = the charge id; revenue (subtotal_price_local) = the captured amount:
    prices are tax-free in this world. A live account using Stripe Tax must subtract the tax here (the Checkout
    Session's total_details.amount_tax, or the invoice's tax, which the charge itself does not carry).
    is_new_customer: the Stripe customer's first such charge in that account (by created_at).
    order_fingerprint: a hash of the whole row (macros/order_rebuild.sql).
    Grain: one row per order_key.
-#}
with

charges as (

    select * from {{ ref('stg_stripe__charges') }}

),

sales as (

    select * from charges
    where status = 'succeeded'
        and is_captured
        and not is_shopify_payment
        and amount_captured_local > 0

),

final as (

    select
        {{ dbt.concat(["'stripe:'", "account_id", "':'", "charge_id"]) }} as order_key,
        charge_key,
        charge_id as order_id,
        {{ dbt.concat(["'stripe:'", "account_id"]) }} as shop,
        account_id,
        cast(null as varchar) as order_number,
        created_at,
        {{ to_local_date('created_at') }} as order_date,
        currency_code,
        amount_captured_local as subtotal_price_local,
        customer_id,
        case
            when customer_id is null then false
            else row_number() over (
                partition by account_id, customer_id
                order by created_at, charge_id
            ) = 1
        end as is_new_customer,
        lower(utm_source) as utm_source,
        lower(utm_medium) as utm_medium,
        utm_campaign
    from sales

),

fingerprinted as (

    select
        final.*,
        {{ row_fingerprint(['final']) }} as order_fingerprint
    from final

)

select * from fingerprinted
