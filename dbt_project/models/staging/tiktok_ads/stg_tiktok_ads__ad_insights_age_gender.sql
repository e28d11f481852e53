with

source as (

    select * from {{ source_or_empty('tiktok_ads', 'ad_insights_age_gender') }}

),

renamed as (

    select
        cast(advertiser_id as varchar) as account_id,
        cast(ad_id as varchar) as ad_id,
        cast(stat_date as date) as date_day,
        -- AGE_18_24 -> 18-24, AGE_55_100 -> 55+, NONE -> unknown (Meta's vocabulary)
        case
            when cast(age as varchar) = 'AGE_55_100' then '55+'
            when cast(age as varchar) like 'AGE\_%\_%' escape '\'
                then replace(substring(cast(age as varchar), 5), '_', '-')
            else 'unknown'
        end as age_range,
        case when cast(gender as varchar) in ('FEMALE', 'MALE') then lower(cast(gender as varchar)) else 'unknown' end
            as gender,

        upper(cast(advertiser_currency as varchar)) as currency_code,
        cast(campaign_id as varchar) as campaign_id,
        cast(adgroup_id as varchar) as ad_group_id,

        cast(spend as numeric(18, 2)) as spend_local,
        cast(impressions as bigint) as impressions,
        cast(clicks as bigint) as clicks,
        cast(complete_payment as double precision) as platform_conversions,
        cast(total_complete_payment_rate as numeric(18, 2)) as platform_conversion_value_local

    from source

)

select * from renamed
