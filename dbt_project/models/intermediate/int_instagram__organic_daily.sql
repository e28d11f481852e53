{#-
    Instagram organic activity conformed to the organic column contract (macros/conformed_models.sql),
    one row per account x day:
    - posts_published, organic_impressions (lifetime views), engagements (likes + comments + shares + saves; no
      clicks reported) and engagement_denominator (lifetime reach, else views) of the media published that
      reporting-timezone day;
    - followers_gained = the day's follower_count (net new followers);
    - followers_total(d) = latest accounts snapshot followers_count (as of the start of snapshot_date)
      - sum(followers_gained) over the days after d up to the day before the snapshot
      (+ the gains from the snapshot day through d, for days on or after it).
-#}
with

media as (

    select * from {{ ref('stg_instagram__media') }}

),

insights as (

    select * from {{ ref('stg_instagram__account_insights') }}

),

snapshots as (

    select * from {{ ref('stg_instagram__accounts') }}

),

posts_daily as (

    select
        account_id,
        {{ to_local_date('published_at') }} as date_day,
        count(*) as posts_published,
        sum(coalesce(views, 0)) as organic_impressions,
        sum(coalesce(likes, 0) + coalesce(comments, 0) + coalesce(shares, 0) + coalesce(saves, 0)) as engagements,
        sum(coalesce(reach, views, 0)) as engagement_denominator,
        sum(case when reach is null then 1 else 0 end) as posts_without_reach
    from media
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
        insights.account_id,
        insights.date_day,
        insights.followers_gained,
        latest_snapshots.followers_count
            + sum(coalesce(insights.followers_gained, 0)) over (
                partition by insights.account_id
                order by insights.date_day
                rows between unbounded preceding and current row
            )
            - sum(
                case when insights.date_day < latest_snapshots.snapshot_date
                    then coalesce(insights.followers_gained, 0) else 0 end
            ) over (partition by insights.account_id) as followers_total
    from insights
    left join latest_snapshots
        on insights.account_id = latest_snapshots.account_id
        and latest_snapshots.snapshot_rank = 1

),

conformed as (

    {{ organic_daily_rollup('instagram', 'posts_daily', 'followers_daily') }}

)

select {{ organic_daily_columns() }} from conformed
