with

source as (

    select * from {{ source_or_empty('shopify', 'orders') }}

),

renamed as (

    select
        {{ dbt.concat(["cast(shop as varchar)", "':'", "cast(id as varchar)"]) }} as order_key,
        cast(id as varchar) as order_id,
        cast(shop as varchar) as shop,
        cast(name as varchar) as order_number,

        cast(created_at as timestamp with time zone) as created_at,
        cast(updated_at as timestamp with time zone) as updated_at,
        cast(processed_at as timestamp with time zone) as processed_at,
        cast(cancelled_at as timestamp with time zone) as cancelled_at,

        upper(cast(currency as varchar)) as currency_code,
        upper(cast(presentment_currency as varchar)) as presentment_currency_code,
        cast(subtotal_price as numeric(18, 2)) as subtotal_price_local,
        cast(total_price as numeric(18, 2)) as total_price_local,
        cast(total_tax as numeric(18, 2)) as total_tax_local,
        cast(total_discounts as numeric(18, 2)) as total_discounts_local,
        cast(total_shipping as numeric(18, 2)) as total_shipping_local,

        cast(financial_status as varchar) as financial_status,
        coalesce(cast(test as boolean), false) as is_test,
        cast(source_name as varchar) as source_name,
        cast(landing_site as varchar) as landing_site,
        cast(referring_site as varchar) as referring_site,
        nullif(trim(cast(discount_codes as varchar)), '') as discount_codes,
        cast(customer_id as varchar) as customer_id,
        cast(customer_created_at as timestamp with time zone) as customer_created_at

    from source

)

select * from renamed
