with

source as (

    select * from {{ source_or_empty('stripe', 'balance_transactions') }}

),

renamed as (

    select
        {{ dbt.concat(["cast(account_id as varchar)", "':'", "cast(id as varchar)"]) }} as balance_transaction_key,
        cast(account_id as varchar) as account_id,
        cast(id as varchar) as balance_transaction_id,
        cast(type as varchar) as transaction_type,
        cast(reporting_category as varchar) as reporting_category,
        cast(source as varchar) as source_id,
        cast(created as timestamp with time zone) as created_at,
        cast(available_on as timestamp with time zone) as available_on,
        upper(cast(currency as varchar)) as currency_code,
        {{ stripe_amount('amount', 'currency') }} as amount_local,
        {{ stripe_amount('fee', 'currency') }} as fee_local,
        {{ stripe_amount('net', 'currency') }} as net_local,
        cast(status as varchar) as status

    from source

)

select * from renamed
