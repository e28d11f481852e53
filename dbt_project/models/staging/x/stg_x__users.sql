with

source as (

    select * from {{ source_or_empty('x', 'users') }}

),

renamed as (

    select
        cast(user_id as varchar) as account_id,
        cast(snapshot_date as date) as snapshot_date,
        cast(username as varchar) as username,
        cast(name as varchar) as account_name,
        cast(followers_count as bigint) as followers_count,
        cast(following_count as bigint) as following_count,
        cast(tweet_count as bigint) as post_count,
        cast(listed_count as bigint) as listed_count

    from source

)

select * from renamed
