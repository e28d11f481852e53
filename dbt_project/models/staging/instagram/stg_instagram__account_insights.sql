with

source as (

    select * from {{ source_or_empty('instagram', 'account_insights_daily') }}

),

renamed as (

    select
        cast(account_id as varchar) as account_id,
        cast("date" as date) as date_day,
        cast(follower_count as bigint) as followers_gained,
        cast(reach as bigint) as reach

    from source

)

select * from renamed
