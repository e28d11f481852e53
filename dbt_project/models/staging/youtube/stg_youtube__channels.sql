with

source as (

    select * from {{ source_or_empty('youtube', 'channels') }}

),

renamed as (

    select
        cast(channel_id as varchar) as channel_id,
        cast(snapshot_date as date) as snapshot_date,
        cast(title as varchar) as title,
        cast(subscriber_count as bigint) as subscriber_count,
        cast(hidden_subscriber_count as boolean) as is_subscriber_count_hidden,
        cast(view_count as bigint) as view_count,
        cast(video_count as bigint) as video_count,
        cast(uploads_playlist_id as varchar) as uploads_playlist_id

    from source

)

select * from renamed
