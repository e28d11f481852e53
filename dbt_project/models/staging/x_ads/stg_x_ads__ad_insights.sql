with

source as (

    select * from {{ source_or_empty('x_ads', 'ad_insights') }}

),

renamed as (

    select
        cast(account_id as varchar) as account_id,
        cast(promoted_tweet_id as varchar) as ad_id,
        cast(stat_date as date) as date_day,

        upper(cast(account_currency as varchar)) as currency_code,
        cast(account_timezone as varchar) as account_timezone,
        cast(campaign_id as varchar) as campaign_id,
        cast(campaign_name as varchar) as campaign_name,
        cast(line_item_id as varchar) as ad_group_id,
        cast(line_item_name as varchar) as ad_group_name,
        -- promoted tweets have no name: the promoted Tweet's id stands in
        cast(tweet_id as varchar) as ad_name,

        -- micros -> currency units; whole micros of a cent-denominated amount are exact at 2 decimals
        cast(coalesce(cast(billed_charge_local_micro as numeric(24, 0)), 0) / 1000000 as numeric(18, 2))
            as spend_local,
        cast(impressions as bigint) as impressions,
        cast(url_clicks as bigint) as clicks,
        cast(null as bigint) as reach,  -- X reports reach only through its separate reach endpoints
        cast(conversion_purchases_metric as double precision) as platform_conversions,
        cast(cast(conversion_purchases_sale_amount as numeric(24, 0)) / 1000000 as numeric(18, 2))
            as platform_conversion_value_local,
        cast(video_total_views as bigint) as video_views

    from source

)

select * from renamed
