with

source as (

    select * from {{ source_or_empty('linkedin_pages', 'follower_statistics_daily') }}

),

renamed as (

    select
        cast(organization_id as varchar) as account_id,
        cast("date" as date) as date_day,
        cast(organic_follower_gain as bigint) as organic_followers_gained,
        cast(paid_follower_gain as bigint) as paid_followers_gained,
        cast(organic_follower_gain as bigint) + coalesce(cast(paid_follower_gain as bigint), 0) as followers_gained

    from source

)

select * from renamed
