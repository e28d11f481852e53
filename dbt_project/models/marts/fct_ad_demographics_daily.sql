{#-
    Money is converted per ad day, as int_ad_performance_unioned converts the ad's row: the ad day's breakdown total
    (in the account currency) at the FX rate of its day, rounded to the cent, then apportioned to its age x gender
    rows in proportion to their local amounts, to the cent (macro apportioned_by_ad_day). So where a platform's
    breakdown adds up to its ad row (as the sandbox's does), the ad day's rows add up to fct_ad_performance_daily in
    the reporting currency too, not only in the account currency.
-#}
with

breakdown as (

    select * from {{ ref('int_ad_demographics_unioned') }}

),

{{ apportioned_by_ad_day('spend_local', 'breakdown', 'spend_apportioned') }},

{{ apportioned_by_ad_day('platform_conversion_value_local', 'spend_apportioned', 'value_apportioned') }},

demographics as (

    select
        *,
        spend_local_converted as spend,
        platform_conversion_value_local_converted as platform_conversion_value
    from value_apportioned

),

final as (

    select
        cast(date_day as date) as date_day,
        cast(platform as varchar) as platform,
        cast(account_id as varchar) as account_id,
        cast(campaign_key as varchar) as campaign_key,
        cast(campaign_id as varchar) as campaign_id,
        cast(age_range as varchar) as age_range,
        cast(gender as varchar) as gender,
        cast(max(currency_code) as varchar) as currency_code,
        cast(sum(spend) as numeric(18, 2)) as spend,
        cast(sum(spend_local) as numeric(18, 2)) as spend_local,
        cast(sum(impressions) as bigint) as impressions,
        cast(sum(clicks) as bigint) as clicks,
        cast(sum(platform_conversions) as double precision) as platform_conversions,
        cast(sum(platform_conversion_value) as numeric(18, 2)) as platform_conversion_value,
        cast(sum(platform_conversion_value_local) as numeric(18, 2)) as platform_conversion_value_local
    from demographics
    group by date_day, platform, account_id, campaign_key, campaign_id, age_range, gender

)

select * from final
