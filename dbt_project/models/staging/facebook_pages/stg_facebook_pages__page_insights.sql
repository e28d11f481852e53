with

source as (

    select * from {{ source_or_empty('facebook_pages', 'page_insights_daily') }}

),

renamed as (

    select
        cast(page_id as varchar) as page_id,
        cast("date" as date) as date_day,
        cast(page_follows as bigint) as followers_total,
        cast(page_daily_follows_unique as bigint) as daily_follows_unique,
        cast(page_impressions_unique as bigint) as page_reach,
        cast(page_post_engagements as bigint) as page_post_engagements

    from source

)

select * from renamed
