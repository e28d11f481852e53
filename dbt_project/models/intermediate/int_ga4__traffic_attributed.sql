{#-
    GA4 sessions mapped to channel and campaign, one row per stg_ga4__traffic_daily row:
    - channel: session source x medium kind through the channel_sources seed, as for orders' UTMs (unknown sources
      such as "(direct)", "newsletter" or a referral host -> other);
    - campaign: the session campaign id, else the campaign name on id, exact name, then normalised name, against
      the known campaigns (macro campaign_matches, the order-attribution matching); segment from the campaign
      (int_campaigns_segmented), unassigned without one.
    The report date is the property's date: the property's time zone is taken to be the reporting time zone.
-#}
{%- set paid_mediums = var('paid_utm_mediums') -%}

with

traffic as (

    select * from {{ ref('stg_ga4__traffic_daily') }}

),

campaigns as (

    select * from {{ ref('int_campaigns_segmented') }}

),

channel_sources as (

    select * from {{ ref('channel_sources') }}

),

campaign_lookup as (

    select
        campaign_key,
        campaign_id,
        campaign_name,
        {{ normalize_name('campaign_name') }} as campaign_name_normalized,
        channel as campaign_channel
    from campaigns

),

with_channel as (

    select
        traffic.*,
        coalesce(channel_sources.channel, 'other') as channel
    from traffic
    left join channel_sources
        on traffic.session_source = channel_sources.utm_source
        and channel_sources.medium_kind = case
            when traffic.session_medium in ('{{ paid_mediums | join("', '") }}') then 'paid'
            else 'other'
        end

),

campaign_matches as (

    {{ campaign_matches('with_channel', 'traffic_key', 'session_campaign_name', 'channel', 'session_campaign_id') }}

),

final as (

    select
        with_channel.traffic_key,
        with_channel.date_day,
        with_channel.property_id,
        with_channel.session_source,
        with_channel.session_medium,
        with_channel.session_campaign_name,
        with_channel.session_campaign_id,
        with_channel.channel,
        campaign_matches.campaign_key,
        coalesce(campaigns.segment, 'unassigned') as segment,
        with_channel.sessions,
        with_channel.key_events,
        with_channel.ecommerce_purchases
    from with_channel
    left join campaign_matches
        on with_channel.traffic_key = campaign_matches.traffic_key
        and campaign_matches.match_rank = 1
    left join campaigns
        on campaign_matches.campaign_key = campaigns.campaign_key

)

select * from final
