with

source as (

    select * from {{ source_or_empty('youtube', 'videos') }}

),

renamed as (

    select
        cast(video_id as varchar) as video_id,
        cast(channel_id as varchar) as channel_id,
        cast(published_at as timestamp with time zone) as published_at,
        cast(title as varchar) as title,
        cast(duration as varchar) as duration_iso,

        cast(view_count as bigint) as views,
        cast(like_count as bigint) as likes,
        cast(comment_count as bigint) as comments

    from source

)

select * from renamed
