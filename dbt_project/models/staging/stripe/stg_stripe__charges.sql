with

source as (

    select * from {{ source_or_empty('stripe', 'charges') }}

),

renamed as (

    select
        {{ dbt.concat(["cast(account_id as varchar)", "':'", "cast(id as varchar)"]) }} as charge_key,
        cast(account_id as varchar) as account_id,
        cast(id as varchar) as charge_id,
        cast(created as timestamp with time zone) as created_at,

        upper(cast(currency as varchar)) as currency_code,
        {{ stripe_amount('amount', 'currency') }} as amount_local,
        {{ stripe_amount('amount_captured', 'currency') }} as amount_captured_local,
        {{ stripe_amount('amount_refunded', 'currency') }} as amount_refunded_local,

        cast(status as varchar) as status,
        coalesce(cast(paid as boolean), false) as is_paid,
        coalesce(cast(captured as boolean), false) as is_captured,
        coalesce(cast(refunded as boolean), false) as is_refunded,
        cast(customer as varchar) as customer_id,
        cast(description as varchar) as description,
        cast(payment_intent as varchar) as payment_intent_id,
        cast(balance_transaction as varchar) as balance_transaction_id,
        cast(failure_code as varchar) as failure_code,

        nullif(trim(cast(utm_source as varchar)), '') as utm_source,
        nullif(trim(cast(utm_medium as varchar)), '') as utm_medium,
        nullif(trim(cast(utm_campaign as varchar)), '') as utm_campaign,
        nullif(trim(cast(shopify_order_id as varchar)), '') as shopify_order_id,
        nullif(trim(cast(shopify_shop as varchar)), '') as shopify_shop,
        nullif(trim(cast(shopify_order_id as varchar)), '') is not null as is_shopify_payment

    from source

)

select * from renamed
