with

source as (

    select * from {{ source_or_empty('google_ads', 'ad_insights') }}

),

renamed as (

    select
        cast(customer_id as varchar) as account_id,
        cast(ad_group_id as varchar) as ad_group_id,
        cast(ad_id as varchar) as ad_id,
        cast(date as date) as date_day,

        upper(cast(customer_currency as varchar)) as currency_code,
        cast(customer_timezone as varchar) as account_timezone,
        cast(campaign_id as varchar) as campaign_id,
        cast(campaign_name as varchar) as campaign_name,
        cast(ad_group_name as varchar) as ad_group_name,

        -- micros -> currency units; cost_micros is a whole number of micros, so this is exact at 2 decimals
        cast(cast(cost_micros as numeric(24, 0)) / 1000000 as numeric(18, 2)) as spend_local,
        cast(impressions as bigint) as impressions,
        cast(clicks as bigint) as clicks,
        cast(conversions as double precision) as platform_conversions,
        cast(conversions_value as numeric(18, 2)) as platform_conversion_value_local

    from source

)

select * from renamed
