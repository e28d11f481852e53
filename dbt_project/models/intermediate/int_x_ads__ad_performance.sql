{#-
    X Ads conformed to the ad-performance column contract (macro ad_performance_columns), one row per account x
    promoted tweet (ad) x account-timezone day. Money stays in the account currency (converted from micros in
    staging). Platform conversions are web purchases (conversion_purchases) and their sale amount; video views only
    for promoted tweets with video; reach is not reported per day (null).
-#}
{{ conformed_ad_performance('x', 'stg_x_ads__ad_insights', 'stg_x_ads__ad_accounts') }}
