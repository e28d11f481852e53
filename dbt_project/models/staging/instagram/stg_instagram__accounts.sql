with

source as (

    select * from {{ source_or_empty('instagram', 'accounts') }}

),

renamed as (

    select
        cast(account_id as varchar) as account_id,
        cast(snapshot_date as date) as snapshot_date,
        cast(username as varchar) as username,
        cast(followers_count as bigint) as followers_count,
        cast(media_count as bigint) as media_count

    from source

)

select * from renamed
