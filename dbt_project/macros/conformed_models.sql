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
    organic column contract, one row per account x day. The sums are cast back to bigint: sum(bigint) widens to
    hugeint on DuckDB and to numeric on Postgres.
-#}
{% macro organic_daily_rollup(platform, posts_cte, followers_cte) -%}
    select
        '{{ platform }}' as platform,
        '{{ platform }}' as channel,
        account_id,
        date_day,
        cast(sum(posts_published) as bigint) as posts_published,
        cast(sum(organic_impressions) as bigint) as organic_impressions,
        cast(sum(engagements) as bigint) as engagements,
        cast(sum(engagement_denominator) as bigint) as engagement_denominator,
        cast(sum(posts_without_reach) as bigint) as posts_without_reach,
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

{#-
    The body of an int_<platform>__ad_performance model whose staging has one insights model (account_id, ad and
    campaign ids and names, date_day, spend_local, impressions, clicks, platform_conversions,
    platform_conversion_value_local, video_views, and reach unless has_reach is false) and one accounts model
    (account_id, account_timezone, currency_code): the row's own time zone and currency, else the account's, else
    default_timezone. Platform and channel are both `platform`.
-#}
{% macro conformed_ad_performance(platform, insights_model, accounts_model, has_reach=true, default_timezone=none) -%}
with

insights as (

    select * from {{ ref(insights_model) }}

),

accounts as (

    select * from {{ ref(accounts_model) }}

),

conformed as (

    select
        '{{ platform }}' as platform,
        '{{ platform }}' as channel,
        insights.account_id,
        coalesce(
            insights.account_timezone, accounts.account_timezone
            {%- if default_timezone %}, '{{ default_timezone }}'{% endif %}
        ) as account_timezone,
        coalesce(insights.currency_code, accounts.currency_code) as currency_code,
        insights.date_day,
        insights.campaign_id,
        insights.campaign_name,
        insights.ad_group_id,
        insights.ad_group_name,
        insights.ad_id,
        insights.ad_name,
        insights.spend_local,
        insights.impressions,
        insights.clicks,
        {% if has_reach %}insights.reach{% else %}cast(null as bigint){% endif %} as reach,
        insights.platform_conversions,
        insights.platform_conversion_value_local,
        insights.video_views
    from insights
    left join accounts
        on insights.account_id = accounts.account_id

)

select {{ ad_performance_columns() }} from conformed
{%- endmacro %}

{#-
    The body of an int_<platform>_export__ad_performance model: an Ads Manager export's staging rows on the
    ad-performance contract. The API wins: a row is dropped when the API connector's staging (api_insights_model)
    loaded the same account and day, so a team that uses both never counts a day twice. The time zone comes from
    the API's accounts model when loaded (exports do not carry it).
-#}
{% macro conformed_export_ad_performance(platform, export_model, api_insights_model, accounts_model) -%}
with

exported as (

    select * from {{ ref(export_model) }}

),

api_days as (

    select distinct account_id, date_day from {{ ref(api_insights_model) }}

),

accounts as (

    select * from {{ ref(accounts_model) }}

),

conformed as (

    select
        '{{ platform }}' as platform,
        '{{ platform }}' as channel,
        exported.account_id,
        accounts.account_timezone,
        exported.currency_code,
        exported.date_day,
        exported.campaign_id,
        exported.campaign_name,
        exported.ad_group_id,
        exported.ad_group_name,
        exported.ad_id,
        exported.ad_name,
        exported.spend_local,
        exported.impressions,
        exported.clicks,
        exported.reach,
        exported.platform_conversions,
        exported.platform_conversion_value_local,
        exported.video_views
    from exported
    left join accounts
        on exported.account_id = accounts.account_id
    where not exists (
        select 1 from api_days
        where api_days.account_id = exported.account_id
            and api_days.date_day = exported.date_day
    )

)

select {{ ad_performance_columns() }} from conformed
{%- endmacro %}

{#-
    Posts, grain platform x post: one row per post with its lifetime metrics as last loaded (null where the platform
    reports no such metric, never 0). native_content_type is the platform's own value, content_type its normalised
    form (image, video, reel, carousel, story, text, link, other). fct_posts adds the keys, local time, campaign tag,
    engagements and engagement rate.
-#}
{% macro post_columns() -%}
    platform, account_id, native_post_id, published_at, native_content_type, content_type, caption, permalink,
    impressions, reach, likes, comments, shares, saves, clicks, video_views
{%- endmacro %}

{% macro post_models() -%}
    {{ return([
        'int_instagram__posts', 'int_facebook_pages__posts', 'int_tiktok_organic__posts', 'int_youtube__posts',
        'int_x__posts', 'int_linkedin_pages__posts', 'int_pinterest__posts',
    ]) }}
{%- endmacro %}

{#-
    The body of an int_<platform>__posts model: the rows of one staging model on the post column contract.
    `columns` maps a contract column to a SQL expression over the staging columns; account_id, native_post_id,
    published_at and content_type are required, any other column left out is null (the platform does not report it).
-#}
{% macro conformed_posts(platform, posts_model, columns) -%}
    {%- for required in ['account_id', 'native_post_id', 'published_at', 'content_type'] -%}
        {%- if required not in columns -%}
            {{ exceptions.raise_compiler_error(
                "conformed_posts('" ~ platform ~ "'): the column mapping must give '" ~ required ~ "'") }}
        {%- endif -%}
    {%- endfor -%}
    {%- set text_columns = ['account_id', 'native_post_id', 'native_content_type', 'content_type', 'caption',
                            'permalink'] -%}
    {%- set metric_columns = ['impressions', 'reach', 'likes', 'comments', 'shares', 'saves', 'clicks',
                              'video_views'] -%}
with

posts as (

    select * from {{ ref(posts_model) }}

),

conformed as (

    select
        '{{ platform }}' as platform,
        {%- for column in text_columns %}
        cast({{ columns.get(column, 'null') }} as varchar) as {{ column }},
        {%- endfor %}
        cast({{ columns['published_at'] }} as timestamp with time zone) as published_at,
        {%- for column in metric_columns %}
        cast({{ columns.get(column, 'null') }} as bigint) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from posts

)

select {{ post_columns() }} from conformed
{%- endmacro %}
