{#-
    Ad delivery by age and gender of the platforms that report it (Meta breakdowns=age,gender; TikTok AUDIENCE
    reports), one row per platform x account x ad x account-timezone day x age_range x gender, money in the account
    currency with the FX rate of the row's day (the row's currency, else its account's). fct_ad_demographics_daily
    converts it per ad day, by running total.
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

with_rates as (

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
        unioned.impressions,
        unioned.clicks,
        unioned.platform_conversions,
        unioned.platform_conversion_value_local
    from unioned
    left join fx_rates
        on coalesce(unioned.currency_code, unioned.account_currency_code) = fx_rates.currency_code
        and unioned.date_day = fx_rates.date_day

),

final as (

    select * from with_rates

)

select * from final
