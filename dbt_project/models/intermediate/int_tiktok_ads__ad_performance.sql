{#-
    TikTok Ads conformed to the ad-performance column contract (macro ad_performance_columns), one row per
    advertiser (account) x ad x advertiser-timezone day. Money stays in the advertiser currency. Platform
    conversions are web purchases (complete_payment) and their value (total_complete_payment_rate).
-#}
with

insights as (

    select * from {{ ref('stg_tiktok_ads__ad_insights') }}

),

accounts as (

    select * from {{ ref('stg_tiktok_ads__advertisers') }}

),

conformed as (

    select
        'tiktok' as platform,
        'tiktok' as channel,
        insights.account_id,
        coalesce(insights.account_timezone, accounts.account_timezone) as account_timezone,
        coalesce(insights.currency_code, accounts.currency_code) as currency_code,
        insights.date_day,
        insights.campaign_id,
        insights.campaign_name,
        insights.ad_group_id,
        insights.ad_group_name,
        insights.ad_id,
        insights.ad_name,
        insights.spend_local,
        insights.impressions,
        insights.clicks,
        insights.reach,
        insights.platform_conversions,
        insights.platform_conversion_value_local,
        insights.video_views
    from insights
    left join accounts
        on insights.account_id = accounts.account_id

)

select {{ ad_performance_columns() }} from conformed
