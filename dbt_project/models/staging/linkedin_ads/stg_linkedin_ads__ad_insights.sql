with

source as (

    select * from {{ source_or_empty('linkedin_ads', 'ad_insights') }}

),

renamed as (

    select
        cast(account_id as varchar) as account_id,
        cast(creative_id as varchar) as ad_id,
        cast(date as date) as date_day,

        upper(cast(account_currency as varchar)) as currency_code,
        cast(account_timezone as varchar) as account_timezone,
        cast(campaign_group_id as varchar) as campaign_id,
        cast(campaign_group_name as varchar) as campaign_name,
        cast(campaign_id as varchar) as ad_group_id,
        cast(campaign_name as varchar) as ad_group_name,
        cast(creative_name as varchar) as ad_name,

        -- decimal strings in the account currency with sub-cent digits: rounded to the cent per row
        cast(cast(cost_in_local_currency as numeric(18, 6)) as numeric(18, 2)) as spend_local,
        cast(impressions as bigint) as impressions,
        cast(clicks as bigint) as clicks,
        cast(external_website_conversions as double precision) as platform_conversions,
        cast(cast(conversion_value_in_local_currency as numeric(18, 6)) as numeric(18, 2))
            as platform_conversion_value_local,
        cast(video_views as bigint) as video_views

    from source

)

select * from renamed
