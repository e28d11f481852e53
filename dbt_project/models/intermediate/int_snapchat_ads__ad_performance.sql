{#-
    Snapchat Ads conformed to the ad-performance column contract (macro ad_performance_columns), one row per ad
    account x ad x account-timezone day. Money stays in the account currency (converted from micro-currency in
    staging). Platform conversions are purchases (conversion_purchases) and their value; ad squads are the ad
    groups. Reach is null: the connector does not request uniques (they do not add up over days or ads).
-#}
with

insights as (

    select * from {{ ref('stg_snapchat_ads__ad_insights') }}

),

accounts as (

    select * from {{ ref('stg_snapchat_ads__ad_accounts') }}

),

conformed as (

    select
        'snapchat' as platform,
        'snapchat' as channel,
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
        cast(null as bigint) as reach,
        insights.platform_conversions,
        insights.platform_conversion_value_local,
        insights.video_views
    from insights
    left join accounts
        on insights.account_id = accounts.account_id

)

select {{ ad_performance_columns() }} from conformed
