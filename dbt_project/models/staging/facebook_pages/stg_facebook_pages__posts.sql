with

source as (

    select * from {{ source_or_empty('facebook_pages', 'posts') }}

),

renamed as (

    select
        cast(id as varchar) as post_id,
        cast(page_id as varchar) as page_id,
        cast(published_at as timestamp with time zone) as published_at,
        cast(message as varchar) as message,
        cast(permalink_url as varchar) as permalink_url,
        cast(status_type as varchar) as status_type,

        cast(reactions as bigint) as reactions,
        cast(comments as bigint) as comments,
        cast(shares as bigint) as shares,
        cast(clicks as bigint) as clicks,
        cast(impressions as bigint) as impressions,
        cast(reach as bigint) as reach

    from source

)

select * from renamed
