with

source as (

    select * from {{ source_or_empty('youtube', 'channel_daily') }}

),

renamed as (

    select
        cast(channel_id as varchar) as channel_id,
        cast("date" as date) as date_day,
        cast(views as bigint) as views,
        cast(estimated_minutes_watched as bigint) as estimated_minutes_watched,
        cast(likes as bigint) as likes,
        cast(comments as bigint) as comments,
        cast(shares as bigint) as shares,
        cast(subscribers_gained as bigint) as subscribers_gained,
        cast(subscribers_lost as bigint) as subscribers_lost,
        cast(subscribers_gained as bigint) - cast(subscribers_lost as bigint) as followers_gained

    from source

)

select * from renamed
