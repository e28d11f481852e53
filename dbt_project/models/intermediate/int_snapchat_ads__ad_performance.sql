{#-
    Snapchat Ads conformed to the ad-performance column contract (macro ad_performance_columns), one row per ad
    account x ad x account-timezone day. Money stays in the account currency (converted from micro-currency in
    staging). Platform conversions are purchases (conversion_purchases) and their value; ad squads are the ad
    groups. Reach is null: the connector does not request uniques (they do not add up over days or ads).
-#}
{{
    conformed_ad_performance(
        'snapchat', 'stg_snapchat_ads__ad_insights', 'stg_snapchat_ads__ad_accounts', has_reach=false
    )
}}
