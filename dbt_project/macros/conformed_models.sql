{#-
    Conformed per-platform models and their column contracts. Each platform gets one
    int_<platform>__<entity> model selecting exactly these columns; the *_unioned model unions the listed models.
    Adding a platform (TikTok, Google, ...) is adding its model and its name to the list here.
-#}

{#- Ads, grain platform x account x ad x account-timezone day; money in the account currency. -#}
{% macro ad_performance_columns() -%}
    platform, channel, account_id, account_timezone, currency_code, date_day,
    campaign_id, campaign_name, ad_group_id, ad_group_name, ad_id, ad_name,
    spend_local, impressions, clicks, reach,
    platform_conversions, platform_conversion_value_local, video_views
{%- endmacro %}

{% macro ad_performance_models() -%}
    {{ return([
        'int_meta_ads__ad_performance',
        'int_tiktok_ads__ad_performance',
        'int_google_ads__ad_performance',
        'int_meta_ads_export__ad_performance',
        'int_tiktok_ads_export__ad_performance',
        'int_snapchat_ads__ad_performance',
        'int_linkedin_ads__ad_performance',
        'int_x_ads__ad_performance',
        'int_pinterest_ads__ad_performance',
    ]) }}
{%- endmacro %}

{#- Organic, grain platform x account x day. -#}
{% macro organic_daily_columns() -%}
    platform, channel, account_id, date_day,
    posts_published, organic_impressions, engagements, engagement_denominator, posts_without_reach,
    followers_total, followers_gained
{%- endmacro %}

{% macro organic_daily_models() -%}
    {{ return([
        'int_instagram__organic_daily', 'int_facebook_pages__organic_daily', 'int_x__organic_daily',
        'int_linkedin_pages__organic_daily', 'int_pinterest__organic_daily', 'int_tiktok_organic__organic_daily',
        'int_youtube__organic_daily',
    ]) }}
{%- endmacro %}

{#-
    The last step of every int_<platform>__organic_daily model: outer-combines its posts-by-publish-day CTE
    (account_id, date_day, posts_published, organic_impressions, engagements, engagement_denominator,
    posts_without_reach) with its followers CTE (account_id, date_day, followers_total, followers_gained) into the
    organic column contract, one row per account x day.
-#}
{% macro organic_daily_rollup(platform, posts_cte, followers_cte) -%}
    select
        '{{ platform }}' as platform,
        '{{ platform }}' as channel,
        account_id,
        date_day,
        sum(posts_published) as posts_published,
        sum(organic_impressions) as organic_impressions,
        sum(engagements) as engagements,
        sum(engagement_denominator) as engagement_denominator,
        sum(posts_without_reach) as posts_without_reach,
        max(followers_total) as followers_total,
        max(followers_gained) as followers_gained
    from (
        select
            account_id, date_day, posts_published, organic_impressions, engagements, engagement_denominator,
            posts_without_reach, cast(null as bigint) as followers_total, cast(null as bigint) as followers_gained
        from {{ posts_cte }}

        union all

        select
            account_id, date_day, 0, 0, 0, 0,
            0, followers_total, followers_gained
        from {{ followers_cte }}
    ) as combined
    group by account_id, date_day
{%- endmacro %}

{#- `union all` of the given models, each selecting the same column list. -#}
{% macro union_models(model_names, columns) -%}
    {%- for model_name in model_names %}
    select {{ columns }} from {{ ref(model_name) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
