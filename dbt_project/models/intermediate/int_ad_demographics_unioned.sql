{#-
    Ad delivery by age and gender of the platforms that report it (Meta breakdowns=age,gender; TikTok AUDIENCE
    reports), one row per platform x account x ad x account-timezone day x age_range x gender. The row's currency,
    else its account's.

    Money is converted per ad day, as int_ad_performance_unioned converts the ad's row: the ad day's breakdown total
    (in the account currency) at the FX rate of its day, rounded to the cent, then apportioned to its age x gender
    rows in proportion to their local amounts, to the cent (largest remainder; ties to the first by age_range, then
    gender). So where a platform's breakdown adds up to its ad row (as the sandbox's does), the ad day's rows add up
    to fct_ad_performance_daily in the reporting currency too, not only in the account currency.
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
        unioned.impressions,
        unioned.clicks,
        unioned.platform_conversions,
        unioned.platform_conversion_value_local
    from unioned
    left join fx_rates
        on coalesce(unioned.currency_code, unioned.account_currency_code) = fx_rates.currency_code
        and unioned.date_day = fx_rates.date_day

),

{{ apportioned_by_ad_day('spend_local', 'converted', 'spend_shares') }},

{{ apportioned_by_ad_day('platform_conversion_value_local', 'spend_shares', 'value_shares') }},

final as (

    select
        platform,
        account_id,
        ad_id,
        ad_group_id,
        campaign_id,
        campaign_key,
        date_day,
        age_range,
        gender,
        currency_code,
        fx_rate,
        spend_local,
        spend_local_converted as spend,
        impressions,
        clicks,
        platform_conversions,
        platform_conversion_value_local,
        platform_conversion_value_local_converted as platform_conversion_value
    from value_shares

)

select * from final
