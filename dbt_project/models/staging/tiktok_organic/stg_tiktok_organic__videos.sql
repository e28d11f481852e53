with

source as (

    select * from {{ source_or_empty('tiktok_organic', 'videos') }}

),

renamed as (

    select
        cast(item_id as varchar) as video_id,
        cast(business_id as varchar) as account_id,
        cast(published_at as timestamp with time zone) as published_at,
        cast(caption as varchar) as caption,
        cast(share_url as varchar) as share_url,
        cast(video_duration as double precision) as duration_seconds,

        cast(video_views as bigint) as views,
        cast(reach as bigint) as reach,
        cast(likes as bigint) as likes,
        cast(comments as bigint) as comments,
        cast(shares as bigint) as shares

    from source

)

select * from renamed
