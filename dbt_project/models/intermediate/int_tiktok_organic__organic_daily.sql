{#-
    TikTok business account organic activity conformed to the organic column contract
    (macros/conformed_models.sql), one row per account x day:
    - posts_published, organic_impressions (lifetime video_views), engagements (likes + comments + shares; TikTok
      reports no saves or clicks per video here) and engagement_denominator (lifetime reach, else views) of the
      videos published that reporting-timezone day;
    - followers_total = daily_total_followers (end of day); followers_gained = daily_new_followers -
      daily_lost_followers (net).
-#}
with

videos as (

    select * from {{ ref('stg_tiktok_organic__videos') }}

),

account_daily as (

    select * from {{ ref('stg_tiktok_organic__account_daily') }}

),

posts_daily as (

    select
        account_id,
        {{ to_local_date('published_at') }} as date_day,
        count(*) as posts_published,
        sum(coalesce(views, 0)) as organic_impressions,
        sum(coalesce(likes, 0) + coalesce(comments, 0) + coalesce(shares, 0)) as engagements,
        sum(coalesce(reach, views, 0)) as engagement_denominator,
        sum(case when reach is null then 1 else 0 end) as posts_without_reach
    from videos
    group by account_id, {{ to_local_date('published_at') }}

),

followers_daily as (

    select
        account_id,
        date_day,
        followers_total,
        followers_gained
    from account_daily

),

conformed as (

    {{ organic_daily_rollup('tiktok', 'posts_daily', 'followers_daily') }}

)

select {{ organic_daily_columns() }} from conformed
