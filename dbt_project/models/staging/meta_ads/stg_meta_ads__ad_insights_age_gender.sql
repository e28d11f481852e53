with

source as (

    select * from {{ source_or_empty('meta_ads', 'ad_insights_age_gender') }}

),

renamed as (

    select
        cast(account_id as varchar) as account_id,
        cast(ad_id as varchar) as ad_id,
        cast(date_start as date) as date_day,
        -- Meta's buckets as they are (18-24 ... 65+); Unknown -> unknown
        lower(cast(age as varchar)) as age_range,
        lower(cast(gender as varchar)) as gender,

        upper(cast(account_currency as varchar)) as currency_code,
        cast(campaign_id as varchar) as campaign_id,
        cast(adset_id as varchar) as ad_group_id,

        cast(spend as numeric(18, 2)) as spend_local,
        cast(impressions as bigint) as impressions,
        cast(clicks as bigint) as clicks,
        cast(conversions as double precision) as platform_conversions,
        cast(conversion_value as numeric(18, 2)) as platform_conversion_value_local

    from source

)

select * from renamed
