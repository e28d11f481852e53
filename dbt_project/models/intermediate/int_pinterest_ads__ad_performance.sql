{#-
    Pinterest Ads conformed to the ad-performance column contract (macro ad_performance_columns), one row per ad
    account x ad (promoted pin) x account-timezone day. Money stays in the account currency (converted from micros
    in staging). Platform conversions are checkouts (web purchases) and their value; video views are 3-second
    video views, null for ads without video.
-#}
with

insights as (

    select * from {{ ref('stg_pinterest_ads__ad_insights') }}

),

accounts as (

    select * from {{ ref('stg_pinterest_ads__ad_accounts') }}

),

conformed as (

    select
        'pinterest' as platform,
        'pinterest' as channel,
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
