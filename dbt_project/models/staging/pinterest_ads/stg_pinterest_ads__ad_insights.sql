with

source as (

    select * from {{ source_or_empty('pinterest_ads', 'ad_insights') }}

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
        cast(ad_group_id as varchar) as ad_group_id,
        cast(ad_group_name as varchar) as ad_group_name,
        cast(ad_name as varchar) as ad_name,

        -- micros of the account currency (despite the name) -> currency units; Pinterest bills whole cents
        cast(cast(spend_in_micro_dollar as numeric(24, 0)) / 1000000 as numeric(18, 2)) as spend_local,
        cast(total_impression as bigint) as impressions,
        cast(total_clickthrough as bigint) as clicks,
        cast(total_impression_user as bigint) as reach,
        -- a conversion column Pinterest leaves out has no conversions
        cast(coalesce(cast(total_checkout as bigint), 0) as double precision) as platform_conversions,
        cast(
            coalesce(cast(total_checkout_value_in_micro_dollar as numeric(24, 0)), 0) / 1000000 as numeric(18, 2)
        ) as platform_conversion_value_local,
        cast(total_video_3sec_views as bigint) as video_views

    from source

)

select * from renamed
