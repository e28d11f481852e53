with

source as (

    select * from {{ source_or_empty('x', 'tweets') }}

),

renamed as (

    select
        cast(id as varchar) as post_id,
        cast(user_id as varchar) as account_id,
        cast(created_at as timestamp with time zone) as created_at,
        cast(text as varchar) as post_text,

        cast(impression_count as bigint) as impressions,
        cast(like_count as bigint) as likes,
        cast(reply_count as bigint) as replies,
        cast(retweet_count as bigint) as reposts,
        cast(quote_count as bigint) as quotes,
        cast(bookmark_count as bigint) as bookmarks

    from source

)

select * from renamed
