{#-
    Google Ads (search) conformed to the ad-performance column contract (macro ad_performance_columns), one row
    per customer (account) x ad group x ad x customer-timezone day. Money stays in the customer currency (cost
    already converted from micros in staging). Google reports no reach or video views for search ads (null), and
    no ad names in the query the connector sends (null). The same ad can serve in several ad groups, so the
    contract's ad_id is the ad_group_ad identity `<ad_group_id>~<ad_id>` (as in Google's resource names), keeping
    platform x account x ad_id x day unique.
-#}
with

insights as (

    select * from {{ ref('stg_google_ads__ad_insights') }}

),

conformed as (

    select
        'google' as platform,
        'google' as channel,
        account_id,
        account_timezone,
        currency_code,
        date_day,
        campaign_id,
        campaign_name,
        ad_group_id,
        ad_group_name,
        {{ dbt.concat(["ad_group_id", "'~'", "ad_id"]) }} as ad_id,
        cast(null as varchar) as ad_name,
        spend_local,
        impressions,
        clicks,
        cast(null as bigint) as reach,
        platform_conversions,
        platform_conversion_value_local,
        cast(null as bigint) as video_views
    from insights

)

select {{ ad_performance_columns() }} from conformed
