with

source as (

    select * from {{ source_or_empty('pinterest', 'pins') }}

),

renamed as (

    select
        cast(id as varchar) as pin_id,
        cast(account_id as varchar) as account_id,
        cast(created_at as timestamp with time zone) as created_at,
        cast(title as varchar) as title,
        cast(description as varchar) as description,
        cast(link as varchar) as link,
        cast(board_id as varchar) as board_id,
        cast(media_type as varchar) as media_type

    from source

)

select * from renamed
