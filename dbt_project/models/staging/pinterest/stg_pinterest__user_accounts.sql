with

source as (

    select * from {{ source_or_empty('pinterest', 'user_accounts') }}

),

renamed as (

    select
        cast(account_id as varchar) as account_id,
        cast(snapshot_date as date) as snapshot_date,
        cast(username as varchar) as username,
        cast(account_type as varchar) as account_type,
        cast(follower_count as bigint) as followers_count,
        cast(following_count as bigint) as following_count,
        cast(pin_count as bigint) as pin_count

    from source

)

select * from renamed
