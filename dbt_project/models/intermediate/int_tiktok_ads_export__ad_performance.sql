{#-
    TikTok Ads Manager export rows conformed to the ad-performance column contract (macro ad_performance_columns) as
    platform tiktok, one row per account x ad x account-timezone day, money in the account currency.
    The API wins: an export row is dropped when the API connector (stg_tiktok_ads__ad_insights) loaded the same account and day,
    so a team that uses both never counts a day twice. The time zone comes from the API's account table when loaded
    (the export does not carry it).
-#}
with

exported as (

    select * from {{ ref('stg_exports__tiktok_ads_manager') }}

),

api_days as (

    select distinct account_id, date_day from {{ ref('stg_tiktok_ads__ad_insights') }}

),

accounts as (

    select * from {{ ref('stg_tiktok_ads__advertisers') }}

),

conformed as (

    select
        'tiktok' as platform,
        'tiktok' as channel,
        exported.account_id,
        accounts.account_timezone,
        exported.currency_code,
        exported.date_day,
        exported.campaign_id,
        exported.campaign_name,
        exported.ad_group_id,
        exported.ad_group_name,
        exported.ad_id,
        exported.ad_name,
        exported.spend_local,
        exported.impressions,
        exported.clicks,
        exported.reach,
        exported.platform_conversions,
        exported.platform_conversion_value_local,
        exported.video_views
    from exported
    left join accounts
        on exported.account_id = accounts.account_id
    where not exists (
        select 1 from api_days
        where api_days.account_id = exported.account_id
            and api_days.date_day = exported.date_day
    )

)

select {{ ad_performance_columns() }} from conformed
