{#-
    Ad delivery by age and gender of the platforms that report it (Meta breakdowns=age,gender; TikTok AUDIENCE
    reports), one row per platform x account x ad x account-timezone day x age_range x gender, converted to the
    reporting currency at the FX rate of the row's day and rounded to the cent per row, as int_ad_performance_unioned
    does. The row's currency, else its account's.
-#}
with

unioned as (

    select 'meta' as platform, breakdown.*, accounts.currency_code as account_currency_code
    from {{ ref('stg_meta_ads__ad_insights_age_gender') }} as breakdown
    left join {{ ref('stg_meta_ads__ad_accounts') }} as accounts
        on breakdown.account_id = accounts.account_id

    union all

    select 'tiktok' as platform, breakdown.*, advertisers.currency_code as account_currency_code
    from {{ ref('stg_tiktok_ads__ad_insights_age_gender') }} as breakdown
    left join {{ ref('stg_tiktok_ads__advertisers') }} as advertisers
        on breakdown.account_id = advertisers.account_id

),

fx_rates as (

    select * from {{ ref('int_fx_rates_daily') }}

),

converted as (

    select
        unioned.platform,
        unioned.account_id,
        unioned.ad_id,
        unioned.ad_group_id,
        unioned.campaign_id,
        {{ dbt.concat(["unioned.platform", "':'", "unioned.campaign_id"]) }} as campaign_key,
        unioned.date_day,
        unioned.age_range,
        unioned.gender,
        coalesce(unioned.currency_code, unioned.account_currency_code) as currency_code,
        fx_rates.rate_to_reporting as fx_rate,
        unioned.spend_local,
        {{ convert_currency('unioned.spend_local', 'fx_rates.rate_to_reporting') }} as spend,
        unioned.impressions,
        unioned.clicks,
        unioned.platform_conversions,
        unioned.platform_conversion_value_local,
        {{ convert_currency('unioned.platform_conversion_value_local', 'fx_rates.rate_to_reporting') }}
            as platform_conversion_value
    from unioned
    left join fx_rates
        on coalesce(unioned.currency_code, unioned.account_currency_code) = fx_rates.currency_code
        and unioned.date_day = fx_rates.date_day

)

select * from converted
