{#-
    Pinterest Ads conformed to the ad-performance column contract (macro ad_performance_columns), one row per ad
    account x ad (promoted pin) x account-timezone day. Money stays in the account currency (converted from micros
    in staging). Platform conversions are checkouts (web purchases) and their value; video views are 3-second
    video views, null for ads without video.
-#}
{{ conformed_ad_performance('pinterest', 'stg_pinterest_ads__ad_insights', 'stg_pinterest_ads__ad_accounts') }}
