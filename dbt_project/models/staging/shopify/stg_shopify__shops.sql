with

source as (

    select * from {{ source_or_empty('shopify', 'shops') }}

),

renamed as (

    select
        cast(shop as varchar) as shop,
        cast(name as varchar) as shop_name,
        upper(cast(currency as varchar)) as currency_code,
        cast(iana_timezone as varchar) as shop_timezone

    from source

)

select * from renamed
