{#-
    Meta Ads Manager export rows conformed to the ad-performance column contract as platform meta, one row per
    account x ad x account-timezone day, money in the account currency; dropped where the Marketing API loaded the
    same account and day (macro conformed_export_ad_performance).
-#}
{{
    conformed_export_ad_performance(
        'meta', 'stg_exports__meta_ads_manager', 'stg_meta_ads__ad_insights', 'stg_meta_ads__ad_accounts'
    )
}}
