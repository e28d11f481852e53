with

source as (

    select * from {{ source_or_empty('meta_ads', 'ad_insights') }}

),

renamed as (

    select
        cast(account_id as varchar) as account_id,
        cast(ad_id as varchar) as ad_id,
        cast(date_start as date) as date_day,

        upper(cast(account_currency as varchar)) as currency_code,
        cast(account_timezone as varchar) as account_timezone,
        cast(campaign_id as varchar) as campaign_id,
        cast(campaign_name as varchar) as campaign_name,
        cast(adset_id as varchar) as ad_group_id,
        cast(adset_name as varchar) as ad_group_name,
        cast(ad_name as varchar) as ad_name,

        cast(spend as numeric(18, 2)) as spend_local,
        cast(impressions as bigint) as impressions,
        cast(clicks as bigint) as clicks,
        cast(reach as bigint) as reach,
        cast(conversions as double precision) as platform_conversions,
        cast(conversion_value as numeric(18, 2)) as platform_conversion_value_local,
        cast(video_views as bigint) as video_views

    from source

)

select * from renamed
