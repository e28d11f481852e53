{#-
    YouTube channel organic activity conformed to the organic column contract (macros/conformed_models.sql),
    one row per channel x day:
    - posts_published, organic_impressions (lifetime viewCount), engagements (likeCount + commentCount: the Data API
      reports no per-video shares, saves or clicks) and engagement_denominator (views: YouTube reports no reach,
      so every video counts in posts_without_reach) of the uploads published that reporting-timezone day;
    - followers_gained = subscribersGained - subscribersLost of the YouTube Analytics day (a Pacific-time day);
    - followers_total(d) = latest channel snapshot subscriber_count (as of the start of snapshot_date)
      - the net gains of the days from d + 1 to the day before the snapshot (+ the gains from the snapshot day
      through d, for days on or after it), as for Instagram.
-#}
with

videos as (

    select * from {{ ref('stg_youtube__videos') }}

),

channel_daily as (

    select * from {{ ref('stg_youtube__channel_daily') }}

),

snapshots as (

    select * from {{ ref('stg_youtube__channels') }}

),

posts_daily as (

    select
        channel_id as account_id,
        {{ to_local_date('published_at') }} as date_day,
        count(*) as posts_published,
        sum(coalesce(views, 0)) as organic_impressions,
        sum(coalesce(likes, 0) + coalesce(comments, 0)) as engagements,
        sum(coalesce(views, 0)) as engagement_denominator,
        count(*) as posts_without_reach
    from videos
    group by channel_id, {{ to_local_date('published_at') }}

),

latest_snapshots as (

    select
        channel_id,
        snapshot_date,
        subscriber_count,
        row_number() over (partition by channel_id order by snapshot_date desc) as snapshot_rank
    from snapshots

),

followers_daily as (

    select
        channel_daily.channel_id as account_id,
        channel_daily.date_day,
        channel_daily.followers_gained,
        latest_snapshots.subscriber_count
            + sum(coalesce(channel_daily.followers_gained, 0)) over (
                partition by channel_daily.channel_id
                order by channel_daily.date_day
                rows between unbounded preceding and current row
            )
            - sum(
                case when channel_daily.date_day < latest_snapshots.snapshot_date
                    then coalesce(channel_daily.followers_gained, 0) else 0 end
            ) over (partition by channel_daily.channel_id) as followers_total
    from channel_daily
    left join latest_snapshots
        on channel_daily.channel_id = latest_snapshots.channel_id
        and latest_snapshots.snapshot_rank = 1

),

conformed as (

    {{ organic_daily_rollup('youtube', 'posts_daily', 'followers_daily') }}

)

select {{ organic_daily_columns() }} from conformed
