with

channels as (

    select * from {{ ref('channels') }}

),

final as (

    select
        cast(channel as varchar) as channel,
        cast(channel_name as varchar) as channel_name,
        cast(channel_type as varchar) as channel_type,
        cast(platform as varchar) as platform
    from channels

)

select * from final
