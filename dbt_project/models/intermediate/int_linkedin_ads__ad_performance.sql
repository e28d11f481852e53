{#-
    LinkedIn Ads conformed to the ad-performance column contract (macro ad_performance_columns), one row per ad
    account x creative (ad) x UTC day: the campaign group is the campaign, the LinkedIn campaign the ad group. Money
    stays in the account currency. Platform conversions are website conversions (externalWebsiteConversions) and
    their value; LinkedIn reports no daily reach per creative, so reach is null.
-#}
{{
    conformed_ad_performance(
        'linkedin', 'stg_linkedin_ads__ad_insights', 'stg_linkedin_ads__ad_accounts',
        has_reach=false, default_timezone='UTC'
    )
}}
