with

source as (

    select * from {{ source_or_empty('exports', 'shopify_order_lines') }}

),

renamed as (

    select
        {{ dbt.concat([
            "cast(shop as varchar)", "':'", "cast(order_name as varchar)", "':'", "cast(line_position as varchar)"
        ]) }} as order_line_key,
        cast(shop as varchar) as shop,
        cast(order_name as varchar) as order_number,
        cast(line_position as bigint) as line_position,
        cast(quantity as bigint) as quantity,
        cast(name as varchar) as title,
        cast(price as numeric(18, 2)) as price_local,
        cast(sku as varchar) as sku,
        coalesce(cast(discount as numeric(18, 2)), 0) as total_discount_local,

        cast(source_file as varchar) as source_file,
        cast(source_line as bigint) as source_line

    from source

)

select * from renamed
