with

source as (

    select * from {{ source_or_empty('ga4', 'traffic_daily') }}

),

renamed as (

    select
        {{ dbt.concat([
            "cast(property_id as varchar)", "'|'", "cast(cast(date as date) as varchar)", "'|'",
            "cast(session_source as varchar)", "'|'", "cast(session_medium as varchar)", "'|'",
            "cast(session_campaign_name as varchar)", "'|'", "cast(session_campaign_id as varchar)"
        ]) }} as traffic_key,
        cast(property_id as varchar) as property_id,
        cast(date as date) as date_day,
        lower(trim(cast(session_source as varchar))) as session_source,
        lower(trim(cast(session_medium as varchar))) as session_medium,
        cast(session_campaign_name as varchar) as session_campaign_name,
        nullif(cast(session_campaign_id as varchar), '(not set)') as session_campaign_id,
        cast(sessions as bigint) as sessions,
        cast(key_events as double precision) as key_events,
        cast(ecommerce_purchases as bigint) as ecommerce_purchases,
        cast(purchase_revenue as numeric(18, 2)) as purchase_revenue_local,
        upper(cast(currency_code as varchar)) as currency_code,
        cast(property_timezone as varchar) as property_timezone

    from source

)

select * from renamed
