with

source as (

    select * from {{ source_or_empty('tiktok_ads', 'ad_insights') }}

),

renamed as (

    select
        cast(advertiser_id as varchar) as account_id,
        cast(ad_id as varchar) as ad_id,
        cast(stat_date as date) as date_day,

        upper(cast(advertiser_currency as varchar)) as currency_code,
        cast(advertiser_timezone as varchar) as account_timezone,
        cast(campaign_id as varchar) as campaign_id,
        cast(campaign_name as varchar) as campaign_name,
        cast(adgroup_id as varchar) as ad_group_id,
        cast(adgroup_name as varchar) as ad_group_name,
        cast(ad_name as varchar) as ad_name,

        cast(spend as numeric(18, 2)) as spend_local,
        cast(impressions as bigint) as impressions,
        cast(clicks as bigint) as clicks,
        cast(reach as bigint) as reach,
        cast(complete_payment as double precision) as platform_conversions,
        cast(total_complete_payment_rate as numeric(18, 2)) as platform_conversion_value_local,
        cast(video_play_actions as bigint) as video_views

    from source

)

select * from renamed
