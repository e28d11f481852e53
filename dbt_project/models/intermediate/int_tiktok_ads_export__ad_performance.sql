{#-
    TikTok Ads Manager export rows conformed to the ad-performance column contract as platform tiktok, one row per
    advertiser x ad x advertiser-timezone day, money in the advertiser currency; dropped where the API for Business
    loaded the same advertiser and day (macro conformed_export_ad_performance).
-#}
{{
    conformed_export_ad_performance(
        'tiktok', 'stg_exports__tiktok_ads_manager', 'stg_tiktok_ads__ad_insights', 'stg_tiktok_ads__advertisers'
    )
}}
