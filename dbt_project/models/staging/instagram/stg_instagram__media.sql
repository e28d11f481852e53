with

source as (

    select * from {{ source_or_empty('instagram', 'media') }}

),

renamed as (

    select
        cast(id as varchar) as media_id,
        cast(account_id as varchar) as account_id,
        cast(published_at as timestamp with time zone) as published_at,
        cast(caption as varchar) as caption,
        cast(media_type as varchar) as media_type,
        cast(media_product_type as varchar) as media_product_type,
        cast(permalink as varchar) as permalink,

        cast(like_count as bigint) as likes,
        cast(comments_count as bigint) as comments,
        cast(shares as bigint) as shares,
        cast(saved as bigint) as saves,
        cast(reach as bigint) as reach,
        cast(views as bigint) as views,
        cast(total_interactions as bigint) as total_interactions

    from source

)

select * from renamed
