with

source as (

    select * from {{ source_or_empty('exports', 'meta_ads_manager') }}

),

renamed as (

    select
        cast(account_id as varchar) as account_id,
        cast(ad_id as varchar) as ad_id,
        cast(day as date) as date_day,

        upper(cast(currency as varchar)) as currency_code,
        cast(account_name as varchar) as account_name,
        cast(campaign_id as varchar) as campaign_id,
        cast(campaign_name as varchar) as campaign_name,
        cast(adset_id as varchar) as ad_group_id,
        cast(adset_name as varchar) as ad_group_name,
        cast(ad_name as varchar) as ad_name,

        cast(spend as numeric(18, 2)) as spend_local,
        cast(impressions as bigint) as impressions,
        cast(clicks as bigint) as clicks,
        cast(reach as bigint) as reach,
        cast(coalesce(cast(purchases as bigint), 0) as double precision) as platform_conversions,
        coalesce(cast(purchase_value as numeric(18, 2)), 0) as platform_conversion_value_local,
        cast(video_plays_3s as bigint) as video_views,

        cast(source_file as varchar) as source_file,
        cast(source_line as bigint) as source_line

    from source

)

select * from renamed
