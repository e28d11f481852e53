with

source as (

    select * from {{ source_or_empty('linkedin_pages', 'share_statistics_daily') }}

),

renamed as (

    select
        cast(organization_id as varchar) as account_id,
        cast("date" as date) as date_day,
        cast(impression_count as bigint) as impressions,
        cast(unique_impressions_count as bigint) as unique_impressions,
        cast(click_count as bigint) as clicks,
        cast(like_count as bigint) as likes,
        cast(comment_count as bigint) as comments,
        cast(share_count as bigint) as shares,
        cast(engagement as double precision) as engagement_rate

    from source

)

select * from renamed
