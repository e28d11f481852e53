{#-
    LinkedIn Ads conformed to the ad-performance column contract (macro ad_performance_columns), one row per ad
    account x creative (ad) x UTC day: the campaign group is the campaign, the LinkedIn campaign the ad group. Money
    stays in the account currency. Platform conversions are website conversions (externalWebsiteConversions) and
    their value; LinkedIn reports no daily reach per creative, so reach is null.
-#}
with

insights as (

    select * from {{ ref('stg_linkedin_ads__ad_insights') }}

),

accounts as (

    select * from {{ ref('stg_linkedin_ads__ad_accounts') }}

),

conformed as (

    select
        'linkedin' as platform,
        'linkedin' as channel,
        insights.account_id,
        coalesce(insights.account_timezone, accounts.account_timezone, 'UTC') as account_timezone,
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
