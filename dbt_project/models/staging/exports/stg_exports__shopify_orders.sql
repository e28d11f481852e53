with

source as (

    select * from {{ source_or_empty('exports', 'shopify_orders') }}

),

renamed as (

    select
        {{ dbt.concat(["cast(shop as varchar)", "':'", "cast(order_id as varchar)"]) }} as order_key,
        cast(order_id as varchar) as order_id,
        cast(shop as varchar) as shop,
        cast(order_name as varchar) as order_number,

        cast(created_at as timestamp with time zone) as created_at,
        cast(paid_at as timestamp with time zone) as paid_at,
        cast(cancelled_at as timestamp with time zone) as cancelled_at,

        upper(cast(currency as varchar)) as currency_code,
        cast(subtotal as numeric(18, 2)) as subtotal_price_local,
        cast(total as numeric(18, 2)) as total_price_local,
        cast(taxes as numeric(18, 2)) as total_tax_local,
        coalesce(cast(discount_amount as numeric(18, 2)), 0) as total_discounts_local,
        coalesce(cast(shipping as numeric(18, 2)), 0) as total_shipping_local,
        coalesce(cast(refunded_amount as numeric(18, 2)), 0) as refunded_amount_local,

        cast(financial_status as varchar) as financial_status,
        cast(payment_method as varchar) as payment_method,
        coalesce(lower(trim(cast(payment_method as varchar))) = 'bogus', false) as is_test,
        cast(source as varchar) as source_name,
        nullif(trim(cast(discount_code as varchar)), '') as discount_codes,
        cast(customer_id as varchar) as customer_id,

        cast(source_file as varchar) as source_file,
        cast(source_line as bigint) as source_line

    from source

)

select * from renamed
