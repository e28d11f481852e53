with

source as (

    select * from {{ source_or_empty('pinterest', 'account_analytics_daily') }}

),

renamed as (

    select
        cast(account_id as varchar) as account_id,
        cast("date" as date) as date_day,
        cast(data_status as varchar) as data_status,
        cast(impression as bigint) as impressions,
        cast(save as bigint) as saves,
        cast(pin_click as bigint) as pin_clicks,
        cast(outbound_click as bigint) as outbound_clicks

    from source

)

select * from renamed
