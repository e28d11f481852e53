{#-
    TikTok Ads conformed to the ad-performance column contract (macro ad_performance_columns), one row per
    advertiser (account) x ad x advertiser-timezone day. Money stays in the advertiser currency. Platform
    conversions are web purchases (complete_payment) and their value (total_complete_payment_rate).
-#}
{{ conformed_ad_performance('tiktok', 'stg_tiktok_ads__ad_insights', 'stg_tiktok_ads__advertisers') }}
