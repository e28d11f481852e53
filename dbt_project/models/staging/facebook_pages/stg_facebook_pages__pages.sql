with

source as (

    select * from {{ source_or_empty('facebook_pages', 'pages') }}

),

renamed as (

    select
        cast(page_id as varchar) as page_id,
        cast(snapshot_date as date) as snapshot_date,
        cast(name as varchar) as page_name,
        cast(followers_count as bigint) as followers_count

    from source

)

select * from renamed
