{#-
    LinkedIn organization page organic activity conformed to the organic column contract
    (macros/conformed_models.sql), platform and channel `linkedin`, one row per organization x day:
    - posts_published, organic_impressions (lifetime impressionCount), engagements (likes + comments + shares +
      clicks; no saves) and engagement_denominator (lifetime uniqueImpressionsCount, else impressions) of the posts
      published that reporting-timezone day (per-post lifetime statistics, like Instagram and Facebook; the page-level
      daily share statistics stay in staging);
    - followers_gained = organic + paid follower gains of the (UTC) day;
    - followers_total(d) = latest organizations snapshot followers_count (networkSizes, as of the start of
      snapshot_date) - sum(followers_gained) over the days after d up to the day before the snapshot
      (+ the gains from the snapshot day through d, for days on or after it).
-#}
with

posts as (

    select * from {{ ref('stg_linkedin_pages__posts') }}

),

follower_statistics as (

    select * from {{ ref('stg_linkedin_pages__follower_statistics') }}

),

snapshots as (

    select * from {{ ref('stg_linkedin_pages__organizations') }}

),

posts_daily as (

    select
        account_id,
        {{ to_local_date('published_at') }} as date_day,
        count(*) as posts_published,
        sum(coalesce(impressions, 0)) as organic_impressions,
        sum(coalesce(likes, 0) + coalesce(comments, 0) + coalesce(shares, 0) + coalesce(clicks, 0)) as engagements,
        sum(coalesce(unique_impressions, impressions, 0)) as engagement_denominator,
        sum(case when unique_impressions is null then 1 else 0 end) as posts_without_reach
    from posts
    group by account_id, {{ to_local_date('published_at') }}

),

latest_snapshots as (

    select
        account_id,
        snapshot_date,
        followers_count,
        row_number() over (partition by account_id order by snapshot_date desc) as snapshot_rank
    from snapshots

),

followers_daily as (

    select
        follower_statistics.account_id,
        follower_statistics.date_day,
        follower_statistics.followers_gained,
        latest_snapshots.followers_count
            + sum(coalesce(follower_statistics.followers_gained, 0)) over (
                partition by follower_statistics.account_id
                order by follower_statistics.date_day
                rows between unbounded preceding and current row
            )
            - sum(
                case when follower_statistics.date_day < latest_snapshots.snapshot_date
                    then coalesce(follower_statistics.followers_gained, 0) else 0 end
            ) over (partition by follower_statistics.account_id) as followers_total
    from follower_statistics
    left join latest_snapshots
        on follower_statistics.account_id = latest_snapshots.account_id
        and latest_snapshots.snapshot_rank = 1

),

conformed as (

    {{ organic_daily_rollup('linkedin', 'posts_daily', 'followers_daily') }}

)

select {{ organic_daily_columns() }} from conformed
