with

source as (

    select * from {{ source_or_empty('shopify', 'order_line_items') }}

),

renamed as (

    select
        {{ dbt.concat(["cast(shop as varchar)", "':'", "cast(id as varchar)"]) }} as line_item_key,
        cast(id as varchar) as line_item_id,
        cast(shop as varchar) as shop,
        {{ dbt.concat(["cast(shop as varchar)", "':'", "cast(order_id as varchar)"]) }} as order_key,
        cast(order_id as varchar) as order_id,
        cast(product_id as varchar) as product_id,
        cast(variant_id as varchar) as variant_id,
        cast(sku as varchar) as sku,
        cast(title as varchar) as title,
        cast(quantity as bigint) as quantity,
        cast(price as numeric(18, 2)) as price_local,
        cast(total_discount as numeric(18, 2)) as total_discount_local

    from source

)

select * from renamed
