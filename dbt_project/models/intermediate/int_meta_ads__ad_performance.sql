{#-
    Meta Ads conformed to the ad-performance column contract (macro ad_performance_columns), one row per
    account x ad x account-timezone day. Money stays in the account currency. To add a platform, write one
    int_<platform>__ad_performance model on the same contract (macro conformed_ad_performance when its staging
    has the usual insights and accounts models) and list it in ad_performance_models().
-#}
{{ conformed_ad_performance('meta', 'stg_meta_ads__ad_insights', 'stg_meta_ads__ad_accounts') }}
