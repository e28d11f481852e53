{#-
    One row per organic post on every platform (see _marts__content.yml). The campaign tag is the first hashtag in
    the caption that starts with var('campaign_hashtag_prefix') (case-insensitive), up to the first character
    that is not [a-z0-9_], lowercased; null when there is none.
-#}
{%- set prefix = var('campaign_hashtag_prefix') | lower -%}
{%- set caption_words = "lower(replace(replace(posts.caption, chr(10), ' '), chr(13), ' '))" -%}
{%- set tag_rest = dbt.split_part(caption_words, "'" ~ prefix ~ "'", 2) -%}

with

posts as (

    select * from {{ ref('int_posts_unioned') }}

),

measured as (

    select
        posts.*,
        {{ to_local_timestamp('posts.published_at') }} as published_local,
        nullif(regexp_replace({{ tag_rest }}, '[^a-z0-9_].*', ''), '') as campaign_tag_suffix,
        case
            when coalesce(posts.likes, posts.comments, posts.shares, posts.saves, posts.clicks) is not null
                then coalesce(posts.likes, 0) + coalesce(posts.comments, 0) + coalesce(posts.shares, 0)
                    + coalesce(posts.saves, 0) + coalesce(posts.clicks, 0)
        end as engagements
    from posts

),

rated as (

    select
        measured.*,
        case
            when measured.engagements is null then null
            when measured.reach is not null then 'reach'
            when measured.impressions is not null then 'impressions'
        end as engagement_rate_basis
    from measured

),

final as (

    select
        cast(platform || ':' || native_post_id as varchar) as post_id,
        cast(native_post_id as varchar) as native_post_id,
        cast(platform as varchar) as platform,
        cast(account_id as varchar) as account_id,
        cast(published_at as timestamp with time zone) as published_at,
        cast(published_local as date) as published_date,
        cast(extract(hour from published_local) as integer) as published_hour,
        cast(extract(isodow from published_local) as integer) as published_weekday,
        cast(content_type as varchar) as content_type,
        cast(native_content_type as varchar) as native_content_type,
        cast(case when campaign_tag_suffix is not null then '{{ prefix }}' || campaign_tag_suffix end as varchar)
            as campaign_tag,
        cast(caption as varchar) as caption,
        cast(permalink as varchar) as permalink,
        cast(impressions as bigint) as impressions,
        cast(reach as bigint) as reach,
        cast(likes as bigint) as likes,
        cast(comments as bigint) as comments,
        cast(shares as bigint) as shares,
        cast(saves as bigint) as saves,
        cast(clicks as bigint) as clicks,
        cast(video_views as bigint) as video_views,
        cast(engagements as bigint) as engagements,
        cast(
            case engagement_rate_basis when 'reach' then reach when 'impressions' then impressions end as bigint
        ) as engagement_denominator,
        cast(
            {{ safe_divide(
                'engagements',
                "case engagement_rate_basis when 'reach' then reach when 'impressions' then impressions end"
            ) }} as double precision
        ) as engagement_rate,
        cast(engagement_rate_basis as varchar) as engagement_rate_basis
    from rated

)

select * from final
