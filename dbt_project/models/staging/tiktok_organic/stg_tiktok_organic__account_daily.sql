with

source as (

    select * from {{ source_or_empty('tiktok_organic', 'account_daily') }}

),

renamed as (

    select
        cast(business_id as varchar) as account_id,
        cast("date" as date) as date_day,
        cast(daily_total_followers as bigint) as followers_total,
        cast(daily_new_followers as bigint) as new_followers,
        cast(daily_lost_followers as bigint) as lost_followers,
        cast(daily_new_followers as bigint) - cast(daily_lost_followers as bigint) as followers_gained,
        cast(profile_views as bigint) as profile_views

    from source

)

select * from renamed
