with

source as (

    select * from {{ source_or_empty('linkedin_pages', 'posts') }}

),

renamed as (

    select
        cast(id as varchar) as post_id,
        cast(organization_id as varchar) as account_id,
        cast(published_at as timestamp with time zone) as published_at,
        cast(last_modified_at as timestamp with time zone) as last_modified_at,
        cast(commentary as varchar) as commentary,
        cast(lifecycle_state as varchar) as lifecycle_state,
        cast(visibility as varchar) as visibility,

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
