{#-
    When to post: one row per platform x publish weekday x publish hour (reporting timezone) that has posts, with
    the median post engagement rate and the summed engagement rate of those posts (see _reports__content.yml).
-#}
with

posts as (

    select * from {{ ref('fct_posts') }}

),

cells as (

    select
        platform,
        published_weekday,
        published_hour,
        count(*) as posts,
        count(engagement_rate) as posts_with_engagement_rate,
        percentile_cont(0.5) within group (order by engagement_rate) as median_engagement_rate,
        sum(engagements) as engagements,
        sum(engagement_denominator) as engagement_denominator
    from posts
    group by platform, published_weekday, published_hour

),

final as (

    select
        cast(platform as varchar) as platform,
        cast(published_weekday as integer) as published_weekday,
        cast(
            case published_weekday
                when 1 then 'Monday'
                when 2 then 'Tuesday'
                when 3 then 'Wednesday'
                when 4 then 'Thursday'
                when 5 then 'Friday'
                when 6 then 'Saturday'
                when 7 then 'Sunday'
            end as varchar
        ) as published_weekday_name,
        cast(published_hour as integer) as published_hour,
        cast(posts as bigint) as posts,
        cast(posts_with_engagement_rate as bigint) as posts_with_engagement_rate,
        cast(median_engagement_rate as double precision) as median_engagement_rate,
        cast(engagements as bigint) as engagements,
        cast(engagement_denominator as bigint) as engagement_denominator,
        cast({{ safe_divide('engagements', 'engagement_denominator') }} as double precision)
            as summed_engagement_rate
    from cells

)

select * from final
