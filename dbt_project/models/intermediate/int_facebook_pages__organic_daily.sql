{#-
    Facebook page organic activity conformed to the organic column contract (macros/conformed_models.sql),
    one row per page x day:
    - posts_published, organic_impressions (lifetime post impressions), engagements (reactions + comments + shares
      + clicks; no saves reported) and engagement_denominator (lifetime reach, else impressions) of the posts
      published that reporting-timezone day;
    - followers_total = page_follows; followers_gained = page_follows minus the previous day's page_follows
      (the net gain); when the previous day is not loaded, page_daily_follows_unique (the day's new follows).
-#}
with

posts as (

    select * from {{ ref('stg_facebook_pages__posts') }}

),

insights as (

    select * from {{ ref('stg_facebook_pages__page_insights') }}

),

posts_daily as (

    select
        page_id as account_id,
        {{ to_local_date('published_at') }} as date_day,
        count(*) as posts_published,
        sum(coalesce(impressions, 0)) as organic_impressions,
        sum(coalesce(reactions, 0) + coalesce(comments, 0) + coalesce(shares, 0) + coalesce(clicks, 0)) as engagements,
        sum(coalesce(reach, impressions, 0)) as engagement_denominator,
        sum(case when reach is null then 1 else 0 end) as posts_without_reach
    from posts
    group by page_id, {{ to_local_date('published_at') }}

),

followers_daily as (

    select
        page_id as account_id,
        date_day,
        followers_total,
        coalesce(
            case
                when lag(date_day) over (partition by page_id order by date_day)
                    = cast({{ dbt.dateadd('day', -1, 'date_day') }} as date)
                    then followers_total - lag(followers_total) over (partition by page_id order by date_day)
            end,
            daily_follows_unique
        ) as followers_gained
    from insights

),

conformed as (

    {{ organic_daily_rollup('facebook', 'posts_daily', 'followers_daily') }}

)

select {{ organic_daily_columns() }} from conformed
