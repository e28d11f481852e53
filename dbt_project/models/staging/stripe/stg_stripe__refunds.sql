with

source as (

    select * from {{ source_or_empty('stripe', 'refunds') }}

),

renamed as (

    select
        {{ dbt.concat(["cast(account_id as varchar)", "':'", "cast(id as varchar)"]) }} as refund_key,
        {{ dbt.concat(["cast(account_id as varchar)", "':'", "cast(charge as varchar)"]) }} as charge_key,
        cast(account_id as varchar) as account_id,
        cast(id as varchar) as refund_id,
        cast(charge as varchar) as charge_id,
        cast(created as timestamp with time zone) as refunded_at,
        upper(cast(currency as varchar)) as currency_code,
        {{ stripe_amount('amount', 'currency') }} as amount_local,
        cast(status as varchar) as status,
        cast(reason as varchar) as reason,
        cast(balance_transaction as varchar) as balance_transaction_id

    from source

)

select * from renamed
