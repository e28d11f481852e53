with

source as (

    select * from {{ source_or_empty('shopify', 'order_refund_line_items') }}

),

renamed as (

    select
        {{ dbt.concat(["cast(shop as varchar)", "':'", "cast(id as varchar)"]) }} as refund_line_item_key,
        cast(id as varchar) as refund_line_item_id,
        cast(shop as varchar) as shop,
        {{ dbt.concat(["cast(shop as varchar)", "':'", "cast(refund_id as varchar)"]) }} as refund_key,
        cast(refund_id as varchar) as refund_id,
        {{ dbt.concat(["cast(shop as varchar)", "':'", "cast(order_id as varchar)"]) }} as order_key,
        cast(order_id as varchar) as order_id,
        cast(line_item_id as varchar) as line_item_id,
        cast(refund_created_at as timestamp with time zone) as refunded_at,
        cast(quantity as bigint) as quantity,
        cast(subtotal as numeric(18, 2)) as subtotal_local,
        cast(total_tax as numeric(18, 2)) as total_tax_local

    from source

)

select * from renamed
