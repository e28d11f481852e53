{#-
    Follower growth, one row per date_day x platform x account with follower data (see _marts__content.yml), from
    the same per-platform organic models as fct_channel_daily. The previous day's total is the total the day's net
    gain started from: followers_total - followers_gained.
-#}
with

organic as (

    select * from {{ ref('int_organic_daily_unioned') }}

),

followers as (

    select
        date_day,
        platform,
        account_id,
        followers_total,
        followers_gained,
        followers_total - followers_gained as previous_followers_total
    from organic
    where followers_total is not null or followers_gained is not null

),

final as (

    select
        cast(date_day as date) as date_day,
        cast(platform as varchar) as platform,
        cast(account_id as varchar) as account_id,
        cast(followers_total as bigint) as followers_total,
        cast(followers_gained as bigint) as followers_gained,
        cast(previous_followers_total as bigint) as previous_followers_total,
        cast({{ safe_divide('followers_gained', 'previous_followers_total') }} as double precision) as growth_rate
    from followers

)

select * from final
