with

source as (

    select * from {{ source_or_empty('snapchat_ads', 'ad_insights') }}

),

renamed as (

    select
        cast(ad_account_id as varchar) as account_id,
        cast(ad_id as varchar) as ad_id,
        cast(date as date) as date_day,

        upper(cast(account_currency as varchar)) as currency_code,
        cast(account_timezone as varchar) as account_timezone,
        cast(campaign_id as varchar) as campaign_id,
        cast(campaign_name as varchar) as campaign_name,
        cast(ad_squad_id as varchar) as ad_group_id,
        cast(ad_squad_name as varchar) as ad_group_name,
        cast(ad_name as varchar) as ad_name,

        -- micro-currency -> currency units, rounded to the cent (exact when Snapchat bills whole cents)
        cast(cast(spend as numeric(24, 0)) / 1000000 as numeric(18, 2)) as spend_local,
        cast(impressions as bigint) as impressions,
        -- swipe-ups are Snapchat's clicks
        cast(swipes as bigint) as clicks,
        cast(conversion_purchases as double precision) as platform_conversions,
        cast(cast(conversion_purchases_value as numeric(24, 0)) / 1000000 as numeric(18, 2))
            as platform_conversion_value_local,
        cast(video_views as bigint) as video_views

    from source

)

select * from renamed
